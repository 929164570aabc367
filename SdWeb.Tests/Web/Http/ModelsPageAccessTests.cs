using System.Net;
using SdWeb.Tests.Web.Support;

namespace SdWeb.Tests.Web.Http;

/// <summary>The Models page is for administrators only, on the real app.</summary>
[Collection(AppCollection.Name)]
[Layer(Layer.Web)]
public class ModelsPageAccessTests(SdWebApp app)
{
    [Fact]
    public async Task AMemberIsSentToAccessDeniedAndAnAdminSeesThePage()
    {
        var member = await app.MemberAsync("models-member");
        var refused = await member.GetAsync("/models");
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.StartsWith("/Account/AccessDenied", refused.Headers.Location!.PathAndQuery);
        Assert.DoesNotContain("href=\"models\"", await member.GetStringAsync("/gallery"), StringComparison.Ordinal);

        var admin = await app.AdminAsync();
        var page = await admin.GetAsync("/models");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("id=\"model-files\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"models\"", html, StringComparison.Ordinal);
    }
}
