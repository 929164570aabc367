using Microsoft.Playwright;
using SdWeb.Components.Generate;
using SdWeb.Tests.Support;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace SdWeb.Tests.Web.EndToEnd;

/// <summary>
/// Inpainting as a person does it: drop a source image, paint a stroke with the mouse, generate with "Keep unmasked
/// pixels" on, and check the downloaded PNG against the file that was dropped; then Reuse the job on a cleared form and
/// find the same mask back in the painter. With SDWEB_SCREENSHOTS=1 it also saves the painter's screenshot for the README.
/// </summary>
[Layer(Layer.Browser)]
public sealed class InpaintEndToEndTests
{
    private const int Side = 128;
    private const int MaskBlur = 4;
    private const double BrushRadius = MaskPainter.DefaultBrushSize / 2.0;

    /// <summary>The painted stroke, in image pixels.</summary>
    private static readonly (double X, double Y) StrokeFrom = (36, 64), StrokeTo = (92, 64);

    [Fact]
    public async Task APaintedMaskRepaintsOnlyThereKeepsEveryPixelOutsideTheBlurredMaskAndReuseBringsItBack()
    {
        using var dir = new TempDir();
        var sourcePath = dir["harbour.png"];
        using (var source = Source()) await source.SaveAsPngAsync(sourcePath);
        using var app = await AppProcess.StartAsync(dir["data"], dir["models"], TimeSpan.FromMinutes(3));
        await Chromium.DriveAsync(app, "sdweb-inpaint-failure.png", async (page, context) =>
        {
            var (resultId, painted) = await InpaintAsync(page, sourcePath);
            await AssertOutsideTheMaskIsTheSourceAsync(context, resultId);
            // The mask went canvas alpha → PNG gray (composited over black, rounded) → canvas alpha: at most one level apart.
            var reused = await ReusedMaskAsync(page);
            Assert.Equal(painted.Length, reused.Length);
            var maxDifference = painted.Zip(reused, (p, r) => Math.Abs(p - r)).Max();
            Assert.True(maxDifference <= 1, $"the reused mask differs from the painted one by up to {maxDifference} levels");
        });
    }

    /// <summary>The result's id, and the mask as painted (the canvas's alpha).</summary>
    private static async Task<(string ResultId, int[] Painted)> InpaintAsync(IPage page, string sourcePath)
    {
        await AccountPages.RegisterAsync(page, "hedy", "Frequency-1942!");
        await page.WaitForSelectorAsync("#generate-form[data-interactive=true]");

        // A file chosen before Blazor's InputFile script has bound the input would go unnoticed: wait for its binding.
        await page.WaitForFunctionAsync("() => document.querySelector('#source-image input[type=file]')?._blazorInputFileNextFileId !== undefined");
        await page.SetInputFilesAsync("#source-image input[type=file]", sourcePath);
        await page.Locator("#source-size").WaitForAsync();
        Assert.Equal($"{Side} × {Side} px", (await page.Locator("#source-size").InnerTextAsync()).Trim());

        await page.GetByText("Inpaint: paint a mask over the image").ClickAsync();
        var canvas = page.Locator("#mask-canvas[data-ready=true]");
        await canvas.ScrollIntoViewIfNeededAsync();
        var box = (await canvas.BoundingBoxAsync())!;
        var scale = box.Width / Side; // the canvas may be shown smaller or larger than the image
        await page.Mouse.MoveAsync((float)(box.X + StrokeFrom.X * scale), (float)(box.Y + StrokeFrom.Y * scale));
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync((float)(box.X + StrokeTo.X * scale), (float)(box.Y + StrokeTo.Y * scale), new() { Steps = 12 });
        await page.Mouse.UpAsync();
        await page.Locator("#mask-status", new() { HasText = "Painted areas are repainted" }).WaitForAsync();
        var painted = await MaskAlphaAsync(page);

        await page.FillAsync("#mask-blur", MaskBlur.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(await page.GetByLabel("Keep unmasked pixels").IsCheckedAsync(), "the overlay is on by default");
        await ReadmeScreenshots.SaveAsync(page, "inpaint.png");

        await page.FillAsync("#prompt", "a red sailing boat");
        await page.FillAsync("#steps", "8");
        await page.FillAsync("#width", $"{Side}");
        await page.FillAsync("#height", $"{Side}");
        await page.ClickAsync("#generate");
        var card = page.Locator(".job-card").First;
        await page.Locator(".job-card[data-status=Succeeded], .job-card[data-status=Failed]").WaitForAsync(new() { Timeout = 300_000 });
        Assert.True(await card.GetAttributeAsync("data-status") == "Succeeded", await card.InnerTextAsync());
        return ((await card.Locator("a[href^='images/']").First.GetAttributeAsync("href"))!["images/".Length..], painted);
    }

    /// <summary>Clears the mask and removes the source, then Reuse on the job card: the painter shows the stored mask again.</summary>
    private static async Task<int[]> ReusedMaskAsync(IPage page)
    {
        await page.ClickAsync("#mask-clear");
        await page.Locator("#mask-status", new() { HasText = "Paint over the parts to repaint" }).WaitForAsync();
        await page.ClickAsync("#source-remove");
        await page.Locator("#mask-painter").WaitForAsync(new() { State = WaitForSelectorState.Detached });

        await page.Locator(".job-card .job-reuse").First.ClickAsync();

        await page.Locator("#mask-canvas[data-ready=true]").WaitForAsync();
        await page.Locator("#mask-status", new() { HasText = "Painted areas are repainted" }).WaitForAsync();
        return await MaskAlphaAsync(page);
    }

    private static Task<int[]> MaskAlphaAsync(IPage page) => page.EvaluateAsync<int[]>("""
        () => {
            const canvas = document.querySelector("#mask-canvas");
            const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
            return Array.from({ length: data.length / 4 }, (_, i) => data[4 * i + 3]);
        }
        """);

    private static async Task AssertOutsideTheMaskIsTheSourceAsync(IBrowserContext context, string resultId)
    {
        var response = await context.APIRequest.GetAsync($"/api/images/{resultId}");
        Assert.Equal(200, response.Status);
        using var result = Image.Load<Rgb24>(await response.BodyAsync());
        using var source = Source();
        Assert.Equal((Side, Side), (result.Width, result.Height));

        // How far paint can reach from the stroke's centre line: the brush radius, one pixel of antialiased edge, and the
        // Gaussian kernel's half-width for the blur (A1111: int(2.5σ + 0.5)), plus one for rounding.
        var reach = BrushRadius + 1 + (int)(2.5 * MaskBlur + 0.5) + 1;
        int outside = 0, outsideChanged = 0, core = 0, coreChanged = 0;
        for (var y = 0; y < Side; y++)
        {
            for (var x = 0; x < Side; x++)
            {
                var distance = DistanceToStroke(x + 0.5, y + 0.5);
                var changed = !result[x, y].Equals(source[x, y]);
                if (distance > reach) (outside, outsideChanged) = (outside + 1, outsideChanged + (changed ? 1 : 0));
                else if (distance < BrushRadius - 2) (core, coreChanged) = (core + 1, coreChanged + (changed ? 1 : 0));
            }
        }
        Assert.True(outside > Side * Side / 2, $"only {outside} pixels lie outside the blurred mask");
        Assert.Equal(0, outsideChanged);
        Assert.True(coreChanged > core / 2, $"only {coreChanged} of the {core} pixels under the stroke were repainted");
    }

    private static double DistanceToStroke(double x, double y)
    {
        var (dx, dy) = (StrokeTo.X - StrokeFrom.X, StrokeTo.Y - StrokeFrom.Y);
        var t = Math.Clamp(((x - StrokeFrom.X) * dx + (y - StrokeFrom.Y) * dy) / (dx * dx + dy * dy), 0, 1);
        var (px, py) = (StrokeFrom.X + t * dx - x, StrokeFrom.Y + t * dy - y);
        return Math.Sqrt(px * px + py * py);
    }

    /// <summary>A source with detail everywhere, so a repainted pixel cannot match it by chance.</summary>
    private static Image<Rgb24> Source()
    {
        var image = new Image<Rgb24>(Side, Side);
        for (var y = 0; y < Side; y++)
            for (var x = 0; x < Side; x++)
                image[x, y] = new Rgb24((byte)(x * 2), (byte)(y * 2), (byte)(x * y % 251));
        return image;
    }
}
