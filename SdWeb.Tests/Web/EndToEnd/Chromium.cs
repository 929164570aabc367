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
}
