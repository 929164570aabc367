using Microsoft.Playwright;
using SdWeb.Tests.Support;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace SdWeb.Tests.Web.EndToEnd;

/// <summary>
/// The whole product as a person uses it: the real app (own process, real engine, the tiny demo model it creates on
/// first run) driven through headless Chromium. With SDWEB_SCREENSHOTS=1 it also saves the README's screenshots
/// (<see cref="ReadmeScreenshots"/>).
/// </summary>
[Layer(Layer.Browser)]
public sealed class GenerateEndToEndTests
{
    private const string Prompt = "a lighthouse on a rocky cliff at dusk, oil painting";

    [Fact]
    public async Task AUserGeneratesWatchesItFormFindsItByAWordAndReproducesItPixelForPixel()
    {
        using var dir = new TempDir();
        using var app = await AppProcess.StartAsync(dir["data"], dir["models"], TimeSpan.FromMinutes(3));
        await Chromium.DriveAsync(app, "sdweb-e2e-failure.png", DriveAsync);
    }

    private static async Task DriveAsync(IPage page, IBrowserContext context)
    {

        // The first account becomes the admin; registering signs in.
        await AccountPages.RegisterAsync(page, "ada", "Lighthouse-2026!");
        await page.WaitForSelectorAsync(".demo-banner"); // a fresh install: the app made its demo model

        // Submit with Ctrl+Enter and watch the job run: progress bar, step counter, a preview that changes.
        await page.WaitForSelectorAsync("#generate-form[data-interactive=true]"); // typing into the prerendered page would be lost
        await page.FillAsync("#prompt", Prompt);
        await page.FillAsync("#steps", "12");
        await page.ClickAsync("text=256×256"); // small and few steps: the CPU test machine is slow
        await page.FocusAsync("#prompt");
        await page.Keyboard.PressAsync("Control+Enter");
        var card = page.Locator(".job-card").First;
        await card.Locator(".job-progress").WaitForAsync();
        var preview = card.Locator(".job-preview");
        await preview.WaitForAsync();
        var firstVersion = int.Parse((await preview.GetAttributeAsync("data-version"))!);
        await page.WaitForFunctionAsync(
            "v => { const p = document.querySelector('.job-card .job-preview'); return p && +p.dataset.version > v; }", firstVersion);
        Assert.Matches(@"Step \d+/12", await card.Locator(".job-step").InnerTextAsync());
        await ReadmeScreenshots.SaveAsync(page, "generate.png");

        await page.Locator(".job-card[data-status=Succeeded]").WaitForAsync(new() { Timeout = 300_000 });
        var imageId = (await card.Locator("a[href^='images/']").First.GetAttributeAsync("href"))!["images/".Length..];

        // The gallery finds it by one word of the prompt.
        await AccountPages.OpenInteractiveAsync(page, "/gallery");
        await page.FillAsync("#gallery-search", "lighthouse");
        var tile = page.Locator($".gallery-tile[data-image-id='{imageId}']");
        await tile.WaitForAsync();
        await ReadmeScreenshots.SaveAsync(page, "gallery.png");

        // Reproduce re-runs the stored parameters; the page says the new image is pixel-identical, and it is.
        await tile.ClickAsync();
        await page.WaitForURLAsync($"**/images/{imageId}");
        await AccountPages.WaitInteractiveAsync(page);
        await page.ClickAsync("#reproduce");
        var note = page.Locator(".reproduction-note");
        await note.WaitForAsync(new() { Timeout = 300_000 });
        Assert.Contains("pixel-identical", await note.InnerTextAsync());
        await ReadmeScreenshots.SaveAsync(page, "detail.png", fullPage: true);
        var reproductionId = (await note.Locator("a").GetAttributeAsync("href"))!["images/".Length..];

        using var original = await DownloadAsync(context, imageId);
        using var reproduction = await DownloadAsync(context, reproductionId);
        Assert.NotEqual(imageId, reproductionId);
        Assert.Equal((original.Width, original.Height), (reproduction.Width, reproduction.Height));
        var originalPixels = new Rgb24[original.Width * original.Height];
        var reproducedPixels = new Rgb24[original.Width * original.Height];
        original.CopyPixelDataTo(originalPixels);
        reproduction.CopyPixelDataTo(reproducedPixels);
        Assert.True(originalPixels.AsSpan().SequenceEqual(reproducedPixels), "the reproduction's pixels differ from the original's");
    }

    private static async Task<Image<Rgb24>> DownloadAsync(IBrowserContext context, string imageId)
    {
        var response = await context.APIRequest.GetAsync($"/api/images/{imageId}");
        Assert.Equal(200, response.Status);
        Assert.Equal("image/png", response.Headers["content-type"]);
        return Image.Load<Rgb24>(await response.BodyAsync());
    }
}
