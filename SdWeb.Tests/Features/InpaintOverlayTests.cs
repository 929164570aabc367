using SdWeb.Engine.Imaging;
using SdWeb.Engine.Pipelines;
using SdWeb.Engine.Pipelines.Validation;
using SdWeb.Tests.Pipelines;
using SdWeb.Tests.Support;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace SdWeb.Tests.Features;

/// <summary>A1111's overlay and "only masked" through the engine: what lies outside the (blurred) mask is the source's, exactly.</summary>
[Layer(Layer.Engine)]
public sealed class InpaintOverlayTests(TinySdPipelineFixture fixture) : IClassFixture<TinySdPipelineFixture>
{
    private const int Blur = 4;
    /// <summary>The blur kernel's radius, int(2.5σ + 0.5): no mask value reaches further than this.</summary>
    private const int BlurReach = 10;

    [Fact]
    public void WithTheOverlayEveryPixelOutsideTheBlurredMaskIsTheSource()
    {
        using var init = InitImageReader.Read(Golden.PathOf("pipelines", "init_image.png"), GenerationLimits.Default);
        using var mask = Box(64, 64, 24, 24, 39, 39);
        var request = Request(init, mask) with { MaskOverlay = true };

        using var output = Generate(request);
        using var raw = Generate(request with { MaskOverlay = false });

        Assert.Equal((64, 64), (output.Width, output.Height));
        var outside = Pixels(64, 64).Where(p => !Near(p, 24, 24, 39, 39, BlurReach)).ToList();
        Assert.All(outside, p => Assert.Equal(init[p.X, p.Y], output[p.X, p.Y]));
        // The tiny random VAE does not reproduce the source, so the overlay is what kept it.
        Assert.Contains(outside, p => raw[p.X, p.Y] != init[p.X, p.Y]);
        // In the middle of the mask (blurred value 255, overlay alpha 0) the result is the generated pixel.
        Assert.Equal(raw[31, 31], output[31, 31]);
    }

    [Fact]
    public void OnlyMaskedPastesTheWorkAreaBackIntoTheFullSizeSource()
    {
        using var init = InitImageReader.Read(Golden.PathOf("features", "inputs", "init_64x96.png"), GenerationLimits.Default);
        using var mask = Box(96, 64, 60, 20, 69, 29);
        var request = Request(init, mask) with { InpaintOnlyMasked = true, InpaintPadding = 4, MaskBlur = 0 };

        using var output = Generate(request);

        Assert.Equal((96, 64), (output.Width, output.Height));
        // Box padded by 4: (56, 16)–(74, 34), 18 x 18, already square for 64 x 64: the crop region.
        var outside = Pixels(96, 64).Where(p => !Near(p, 56, 16, 73, 33, 0)).ToList();
        Assert.All(outside, p => Assert.Equal(init[p.X, p.Y], output[p.X, p.Y]));
        Assert.Contains(Pixels(96, 64).Where(p => Near(p, 60, 20, 69, 29, 0)), p => output[p.X, p.Y] != init[p.X, p.Y]);
    }

    private static GenerationRequest Request(Image<Rgb24> init, Image<L8> mask) => new()
    {
        Prompts = ["a red brick wall"], Sampler = "ddim", Steps = 4, Seed = 5, Width = 64, Height = 64,
        InitImage = init, Mask = mask, Strength = 1.0, MaskBlur = Blur,
    };

    private Image<Rgb24> Generate(GenerationRequest request)
    {
        var result = fixture.Pipeline.Generate(request, null, CancellationToken.None);
        return result.Images.Single().Image;
    }

    private static Image<L8> Box(int width, int height, int x1, int y1, int x2, int y2)
    {
        var mask = new Image<L8>(width, height);
        foreach (var p in Pixels(width, height).Where(p => Near(p, x1, y1, x2, y2, 0))) mask[p.X, p.Y] = new L8(255);
        return mask;
    }

    private static IEnumerable<Point> Pixels(int width, int height) =>
        Enumerable.Range(0, height).SelectMany(y => Enumerable.Range(0, width).Select(x => new Point(x, y)));

    private static bool Near(Point p, int x1, int y1, int x2, int y2, int reach) =>
        p.X >= x1 - reach && p.X <= x2 + reach && p.Y >= y1 - reach && p.Y <= y2 + reach;
}
