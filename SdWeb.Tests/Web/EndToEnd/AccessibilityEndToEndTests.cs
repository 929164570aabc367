using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using SdWeb.Tests.Support;
using SdWeb.Tests.Web.Hardening;

namespace SdWeb.Tests.Web.EndToEnd;

/// <summary>
/// Every page, in the light and the dark theme, checked by axe-core (the engine of the browsers' accessibility audits)
/// in the real app: no critical and no serious violation. With SDWEB_SCREENSHOTS=1 it also saves each page at 1400×900
/// and 390×844 in both themes for the README (<see cref="ReadmeScreenshots"/>).
/// </summary>
[Layer(Layer.Browser)]
[Collection(LiveAppCollection.Name)]
public sealed class AccessibilityEndToEndTests
{
    private const string User = "ada";
    private const string Password = "Lighthouse-2026!";

    private static readonly string FailureScreenshot = Path.Combine(Path.GetTempPath(), "sdweb-a11y-failure.png");

    private readonly List<string> _violations = [];

    [Fact]
    public async Task EveryPageInBothThemesHasNoCriticalOrSeriousAxeViolation()
    {
        using var dir = new TempDir();
        using var app = await AppProcess.StartAsync(dir["data"], dir["models"], TimeSpan.FromMinutes(3));
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        IPage? page = null;
        try
        {
            page = await NewPageAsync(browser, app);
            await AuditLightThemeAsync(page);
            page = await NewPageAsync(browser, app);
            await AuditDarkThemeAsync(page);
        }
        catch (Exception e) when (e is PlaywrightException or TimeoutException or Xunit.Sdk.XunitException)
        {
            if (page is not null) await page.ScreenshotAsync(new() { Path = FailureScreenshot, FullPage = true });
            throw new Exception($"{e.Message}\n(screenshot of the page: {FailureScreenshot})\n--- app output ---\n{app.Output}", e);
        }
        Assert.True(_violations.Count == 0, "axe-core found critical or serious violations:\n" + string.Join("\n", _violations));
    }

    private static async Task<IPage> NewPageAsync(IBrowser browser, AppProcess app)
    {
        var context = await browser.NewContextAsync(new() { BaseURL = app.Url, ViewportSize = Desktop, ColorScheme = ColorScheme.Light });
        context.SetDefaultTimeout(120_000);
        return await context.NewPageAsync();
    }

    private async Task AuditLightThemeAsync(IPage page)
    {
        const string theme = "light";
        await page.GotoAsync("/Account/Login");
        await CheckAsync(page, "login", theme);
        await page.GotoAsync("/Account/Register");
        await CheckAsync(page, "register", theme);

        // The first account becomes the admin; registering signs in.
        await page.FillAsync("#username", User);
        await page.FillAsync("#password", Password);
        await page.FillAsync("#confirm", Password);
        await page.ClickAsync(".account-form button[type=submit]");
        await page.WaitForURLAsync("**/generate");
        await AuditSignedInPagesAsync(page, theme);
    }

    private async Task AuditDarkThemeAsync(IPage page)
    {
        const string theme = "dark";
        // The static login page's toggle posts the choice and comes back dark.
        await page.GotoAsync("/Account/Login");
        await page.ClickAsync("#theme-toggle");
        await page.WaitForSelectorAsync("#theme-toggle[aria-label='Switch to light theme']");
        Assert.Equal("rgb(21, 20, 28)", await BackgroundAsync(page));
        await CheckAsync(page, "login", theme);
        await page.GotoAsync("/Account/Register");
        await CheckAsync(page, "register", theme);

        await page.GotoAsync("/Account/Login");
        await page.FillAsync("#username", User);
        await page.FillAsync("#password", Password);
        await page.ClickAsync(".account-form button[type=submit]");
        await page.WaitForURLAsync("**/generate");
        Assert.Equal("rgb(21, 20, 28)", await BackgroundAsync(page));
        await AuditSignedInPagesAsync(page, theme);
    }

    private async Task AuditSignedInPagesAsync(IPage page, string theme)
    {
        await page.WaitForSelectorAsync("#generate-form[data-interactive=true]");
        await CheckAsync(page, "generate", theme);
        await page.WaitForSelectorAsync("#generate-form[data-interactive=true]"); // again after the screenshots' reloads

        // A job long enough to be audited while it runs: progress bar, step counter, preview, live announcement.
        await page.FillAsync("#prompt", $"a lighthouse on a rocky cliff at dusk, {theme}");
        await page.FillAsync("#steps", "30");
        await page.ClickAsync("text=256×256");
        await page.ClickAsync("#generate");
        var card = page.Locator(".job-card").First;
        await card.Locator(".job-preview").WaitForAsync();
        var jobId = await card.GetAttributeAsync("data-job-id");
        await CheckAsync(page, "generate-running", theme);
        var imageId = await FinishedImageAsync(page, jobId!);

        await page.GotoAsync("/gallery");
        await page.Locator(".gallery-tile").First.WaitForAsync();
        await CheckAsync(page, "gallery", theme);

        await page.GotoAsync($"/images/{imageId}");
        await page.Locator("#viewer-zoom").WaitForAsync();
        await CheckAsync(page, "detail", theme);

        await page.GotoAsync("/Account/Users");
        await CheckAsync(page, "users", theme);
        await page.GotoAsync("/profile");
        await page.Locator("#apikey-create").WaitForAsync();
        await CheckAsync(page, "profile", theme);
    }

    // Asked of the job API rather than the card: the screenshots reload the page, and a reloaded page lists unfinished jobs only.
    private static async Task<string> FinishedImageAsync(IPage page, string jobId)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        while (true)
        {
            var response = await page.APIRequest.GetAsync($"/api/jobs/{jobId}");
            var job = (await response.JsonAsync())!.Value;
            var status = job.GetProperty("status").GetString();
            if (status == "Succeeded") return job.GetProperty("imageIds")[0].GetString()!;
            Assert.True(status is "Queued" or "Running", $"the job ended {status}: {job}");
            await Task.Delay(TimeSpan.FromSeconds(1), timeout.Token);
        }
    }

    private static Task SettledAsync(IPage page) =>
        page.WaitForFunctionAsync("() => document.getAnimations().every(a => a.playState !== 'running')");

    private static Task<string> BackgroundAsync(IPage page) =>
        page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");

    private async Task CheckAsync(IPage page, string name, string theme)
    {
        // Let MudBlazor's transitions (ripples, popovers, the theme's colours) settle before measuring contrast.
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await SettledAsync(page);
        var result = await page.RunAxe();
        foreach (var violation in result.Violations.Where(v => v.Impact is "critical" or "serious"))
        {
            var nodes = string.Join("\n      ", violation.Nodes.Take(5).Select(n => $"{n.Target}: {n.Html}"));
            _violations.Add($"[{theme}] {name}: {violation.Impact} {violation.Id} ({violation.Nodes.Length} nodes) {violation.Help}\n      {nodes}");
        }
        await SaveScreenshotsAsync(page, $"{name}-{theme}");
    }

    private static readonly ViewportSize Desktop = new() { Width = 1400, Height = 900 };
    private static readonly ViewportSize Phone = new() { Width = 390, Height = 844 };

    // Each size is loaded afresh, as a phone would load it, rather than caught in the middle of the layout's resize.
    private static async Task SaveScreenshotsAsync(IPage page, string name)
    {
        if (!ReadmeScreenshots.Wanted) return;
        await ReadmeScreenshots.SaveAsync(page, $"{name}-desktop.png");
        await ReloadAtAsync(page, Phone);
        await ReadmeScreenshots.SaveAsync(page, $"{name}-phone.png");
        await ReloadAtAsync(page, Desktop);
    }

    private static async Task ReloadAtAsync(IPage page, ViewportSize size)
    {
        await page.SetViewportSizeAsync(size.Width, size.Height);
        await page.ReloadAsync(new() { WaitUntil = WaitUntilState.NetworkIdle });
        await SettledAsync(page);
    }
}
