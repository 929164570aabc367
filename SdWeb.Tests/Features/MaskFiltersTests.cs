using SdWeb.Engine.Pipelines.Inpainting;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace SdWeb.Tests.Features;

/// <summary>AUTOMATIC1111's mask blur and invert against values worked out by hand from cv2's Gaussian formula.</summary>
[Layer(Layer.Engine)]
public sealed class MaskFiltersTests
{
    // σ = 1: kernel 2·int(2.5 + 0.5) + 1 = 7 taps, exp(−i²/2) / Σ: w0 = 0.399050, w1 = 0.242036, w2 = 0.054007, w3 = 0.004433.

    [Fact]
    public void ASinglePixelSpreadsAsTheProductOfTheSeparableWeights()
    {
        using var mask = new Image<L8>(15, 15);
        mask[7, 7] = new L8(255);
        using var blurred = MaskFilters.Blurred(mask, 1);
        Assert.Equal(41, blurred[7, 7].PackedValue); // 255 · w0² = 40.61
        Assert.Equal(25, blurred[8, 7].PackedValue); // 255 · w0 · w1 = 24.63
        Assert.Equal(15, blurred[8, 8].PackedValue); // 255 · w1² = 14.94
        Assert.Equal(0, blurred[11, 7].PackedValue); // beyond the 3-pixel radius
    }

    [Fact]
    public void TheEdgeIsMirroredWithoutRepeatingTheBorderPixel()
    {
        using var mask = new Image<L8>(16, 16);
        for (int y = 0; y < 16; y++) mask[0, y] = new L8(255);
        using var blurred = MaskFilters.Blurred(mask, 1);
        // BORDER_REFLECT_101: column 0 sees itself once (255 · w0); a replicated border would add 255 · w1.
        Assert.Equal([102, 62, 14, 1, 0], Enumerable.Range(0, 5).Select(x => (int)blurred[x, 8].PackedValue));
    }

    [Fact]
    public void ZeroBlurAndInvertDoWhatTheySay()
    {
        using var mask = new Image<L8>(4, 1);
        mask[1, 0] = new L8(200);
        using var same = MaskFilters.Blurred(mask, 0);
        using var inverted = MaskFilters.Inverted(mask);
        Assert.Equal([0, 200, 0, 0], Enumerable.Range(0, 4).Select(x => (int)same[x, 0].PackedValue));
        Assert.Equal([255, 55, 255, 255], Enumerable.Range(0, 4).Select(x => (int)inverted[x, 0].PackedValue));
    }

    [Fact]
    public void TheOverlayAlphaDoublesTheMaskAndClips()
    {
        using var mask = new Image<L8>(3, 1);
        (mask[0, 0], mask[1, 0], mask[2, 0]) = (new L8(0), new L8(100), new L8(200));
        using var alpha = MaskFilters.OverlayAlpha(mask);
        Assert.Equal([0, 200, 255], Enumerable.Range(0, 3).Select(x => (int)alpha[x, 0].PackedValue));
    }
}
