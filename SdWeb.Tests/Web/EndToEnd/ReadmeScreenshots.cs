using Microsoft.Playwright;

namespace SdWeb.Tests.Web.EndToEnd;

/// <summary>
/// The README's screenshots (docs/screenshots/), taken by the end-to-end test only when <c>SDWEB_SCREENSHOTS=1</c>, so an
/// ordinary test run leaves the checkout unchanged.
/// </summary>
public static class ReadmeScreenshots
{
    public const string Variable = "SDWEB_SCREENSHOTS";

    private static readonly string Folder = Path.Combine(RepositoryRoot.Path, "docs", "screenshots");

    public static bool Wanted => Environment.GetEnvironmentVariable(Variable) == "1";

    public static async Task SaveAsync(IPage page, string name, bool fullPage = false)
    {
        if (!Wanted) return;
        Directory.CreateDirectory(Folder);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Folder, name), FullPage = fullPage });
    }
}
