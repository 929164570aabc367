using Microsoft.Playwright;

namespace SdWeb.Tests.Web.EndToEnd;

/// <summary>Headless Chromium for the browser tests: the system's browser (Playwright downloads none here).</summary>
public static class Chromium
{
    /// <summary>Environment variable naming the Chromium executable; <see cref="DefaultPath"/> when unset.</summary>
    public const string PathVariable = "SDWEB_CHROMIUM";
    public const string DefaultPath = "/usr/bin/chromium";

    public static string ExecutablePath =>
        Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } path ? path : DefaultPath;

    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new()
    {
        ExecutablePath = ExecutablePath,
        Headless = true,
        Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    });

    /// <summary>
    /// Opens one page on <paramref name="app"/> (a context with its URL, the viewport given, 2-minute waits) and runs
    /// <paramref name="drive"/>. If that fails, the page's full screenshot (<paramref name="failureScreenshot"/> in the
    /// temp folder) and the app's output join the error, for the person reading the failure.
    /// </summary>
    public static async Task DriveAsync(AppProcess app, string failureScreenshot, Func<IPage, IBrowserContext, Task> drive,
        int width = 1440, int height = 900)
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var context = await browser.NewContextAsync(new() { BaseURL = app.Url, ViewportSize = new() { Width = width, Height = height } });
        context.SetDefaultTimeout(120_000);
        var page = await context.NewPageAsync();
        try
        {
            await drive(page, context);
        }
        catch (Exception e) when (e is PlaywrightException or TimeoutException or Xunit.Sdk.XunitException)
        {
            var screenshot = Path.Combine(Path.GetTempPath(), failureScreenshot);
            await page.ScreenshotAsync(new() { Path = screenshot, FullPage = true });
            throw new Exception($"{e.Message}\n(screenshot of the page: {screenshot})\n--- app output ---\n{app.Output}", e);
        }
    }
}
