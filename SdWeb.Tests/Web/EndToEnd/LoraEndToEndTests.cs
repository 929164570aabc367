using Microsoft.Playwright;
using SdWeb.Tests.Support;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace SdWeb.Tests.Web.EndToEnd;

/// <summary>
/// A LoRA as a person uses one: the real app (own process) with the golden tiny model and LoRA installed in
/// AUTOMATIC1111's layout, driven through headless Chromium. Picking the LoRA changes the image, the gallery finds the
/// job by the LoRA's name, and a job run after the LoRA job reproduces an image made before it pixel for pixel — the
/// worker restored the weights exactly.
/// </summary>
[Layer(Layer.Browser)]
public sealed class LoraEndToEndTests
{
    private const string Prompt = "a lighthouse on a rocky cliff";
    private const string Seed = "1234";

    [Fact]
    public async Task APickedLoraChangesTheImageFindsTheJobByNameAndLeavesTheModelAsItWas()
    {
        using var dir = new TempDir();
        CopyFolder(Golden.TinySdFolder, dir["models/tiny-sd"]);
        Directory.CreateDirectory(dir["models/Lora"]);
        File.Copy(Golden.PathOf("features", "lora", "tiny-detail.safetensors"), dir["models/Lora/tiny-detail.safetensors"]);
        using var app = await AppProcess.StartAsync(dir["data"], dir["models"], TimeSpan.FromMinutes(3));

        await Chromium.DriveAsync(app, "sdweb-lora-e2e-failure.png", DriveAsync);
    }

    private static async Task DriveAsync(IPage page, IBrowserContext context)
    {
        await AccountPages.RegisterAsync(page, "ada", "Lighthouse-2026!");
        await page.WaitForSelectorAsync("#generate-form[data-interactive=true]");

        // The picker lists the LoRA with its hash and the model it fits (the tiny model's 32-wide text encoder).
        var pick = page.Locator(".lora-pick[data-name='tiny-detail']");
        Assert.Contains("e26b84334128", await pick.TextContentAsync());
        Assert.Contains("fits: tiny-sd", await pick.GetAttributeAsync("title"));

        var plainId = await GenerateAsync(page, Prompt);
        await pick.ClickAsync();
        // The tag arrives with the next render over the circuit.
        await page.WaitForFunctionAsync("p => document.querySelector('#prompt').value === p", $"{Prompt} <lora:tiny-detail:0.8>");
        var loraId = await GenerateAsync(page, null);

        using (var plain = await DownloadAsync(context, plainId))
        using (var withLora = await DownloadAsync(context, loraId))
            Assert.False(Pixels(plain).AsSpan().SequenceEqual(Pixels(withLora)), "the LoRA did not change the image");

        // The gallery finds the LoRA job by the LoRA's name, and only it.
        // The search as a link gives it (typing into the prerendered page before it is interactive would be lost).
        await AccountPages.OpenInteractiveAsync(page, "/gallery?q=tiny-detail");
        await page.Locator($".gallery-tile[data-image-id='{loraId}']").WaitForAsync();
        Assert.Equal("tiny-detail", await page.InputValueAsync("#gallery-search"));
        Assert.Equal(0, await page.Locator($".gallery-tile[data-image-id='{plainId}']").CountAsync());

        // After the LoRA job, reproducing the image made before it gives its pixels: the base weights are back exactly.
        await AccountPages.OpenInteractiveAsync(page, $"/images/{plainId}");
        await page.ClickAsync("#reproduce");
        var note = page.Locator(".reproduction-note");
        await note.WaitForAsync(new() { Timeout = 300_000 });
        Assert.Contains("pixel-identical", await note.InnerTextAsync());
    }

    /// <summary>Submits the form (with <paramref name="prompt"/> typed when given) and returns the finished image's id.</summary>
    private static async Task<string> GenerateAsync(IPage page, string? prompt)
    {
        if (prompt is not null)
        {
            await page.FillAsync("#prompt", prompt);
            await page.FillAsync("#steps", "6");
            await page.ClickAsync("text=256×256");
            await page.ClickAsync("#seed-lock");
            await page.FillAsync("#seed", Seed);
        }
        int before = await page.Locator(".job-card").CountAsync();
        await page.ClickAsync("#generate");
        await page.WaitForFunctionAsync("n => document.querySelectorAll('.job-card').length > n", before);
        var card = page.Locator(".job-card").First;
        await card.Locator("a[href^='images/']").First.WaitForAsync(new() { Timeout = 300_000 });
        return (await card.Locator("a[href^='images/']").First.GetAttributeAsync("href"))!["images/".Length..];
    }

    private static async Task<Image<Rgb24>> DownloadAsync(IBrowserContext context, string imageId)
    {
        var response = await context.APIRequest.GetAsync($"/api/images/{imageId}");
        Assert.Equal(200, response.Status);
        return Image.Load<Rgb24>(await response.BodyAsync());
    }

    private static Rgb24[] Pixels(Image<Rgb24> image)
    {
        var pixels = new Rgb24[image.Width * image.Height];
        image.CopyPixelDataTo(pixels);
        return pixels;
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
