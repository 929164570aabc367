using SdWeb.Tests.Web.Support;

namespace SdWeb.Tests.Web.Hardening;

/// <summary>Posts a file to the img2img upload endpoint as the Generate page's upload does.</summary>
public static class ImageUpload
{
    /// <param name="token">The antiforgery token, or null to leave it out.</param>
    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, string? token, string fileName, byte[] bytes)
    {
        using var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent(bytes), "file", fileName);
        if (token is not null) form.Add(new StringContent(token), SdWebApp.AntiforgeryFieldName);
        return await client.PostAsync("/api/images", form);
    }
}
