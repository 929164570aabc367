using System.Net;
using System.Text.Json;
using SdWeb.Tests.Web.Support;

namespace SdWeb.Tests.Web.Http;

/// <summary>The OpenAPI document and Scalar's reference page at /api/docs: for signed-in users only, listing both APIs.</summary>
[Collection(AppCollection.Name)]
[Layer(Layer.Web)]
public sealed class ApiDocsTests(SdWebApp app)
{
    [Fact]
    public async Task AnonymousCallersGetNoDocs()
    {
        var anonymous = app.NewClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/docs")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/openapi/v1.json")).StatusCode);
    }

    [Fact]
    public async Task ASignedInUserGetsTheReferencePageAndADocumentListingBothApis()
    {
        var admin = await app.AdminAsync();

        var redirect = await admin.GetAsync("/api/docs");
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.Equal("/api/docs/", new Uri(new Uri("http://localhost/api/docs"), redirect.Headers.Location!).AbsolutePath); // Scalar redirects relatively
        var page = await admin.GetAsync("/api/docs/");
        Assert.True(page.StatusCode == HttpStatusCode.OK, $"{page.StatusCode}: {await page.Content.ReadAsStringAsync()}");
        Assert.Contains("scalar", (await page.Content.ReadAsStringAsync()).ToLowerInvariant());

        using var document = JsonDocument.Parse(await admin.GetStringAsync("/api/openapi/v1.json"));
        var paths = document.RootElement.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/sdapi/v1/txt2img", paths);
        Assert.Contains("/sdapi/v1/options", paths);
        Assert.Contains("/api/jobs", paths);
        Assert.DoesNotContain(paths, p => p.StartsWith("/Account", StringComparison.Ordinal));
    }
}
