using SdWeb.Engine.Pipelines;
using SdWeb.Engine.Pipelines.Hires;
using SdWeb.Engine.Pipelines.Validation;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace SdWeb.Tests.Features;

/// <summary>Bad inpainting and hires-fix requests are refused before any work, each with a message naming the field.</summary>
[Layer(Layer.Engine)]
public sealed class InpaintHiresValidationTests
{
    private static readonly GenerationRequest Valid = new() { Prompts = ["a horse"], Width = 64, Height = 64 };

    private static ValidationError Single(GenerationRequest request) =>
        Assert.Single(GenerationRequestValidator.Validate(request, GenerationLimits.Default));

    private static Image<L8> Mask(int width, int height, byte value)
    {
        var mask = new Image<L8>(width, height);
        mask.ProcessPixelRows(rows => { for (int y = 0; y < height; y++) rows.GetRowSpan(y).Fill(new L8(value)); });
        return mask;
    }

    [Fact]
    public void AMaskWithoutAnInitImageIsRefusedNamingTheField()
    {
        using var mask = Mask(64, 64, 255);
        var e = Single(Valid with { Mask = mask });
        Assert.Equal(nameof(GenerationRequest.Mask), e.Field);
        Assert.Contains("InitImage", e.Message);
    }

    [Fact]
    public void AMaskOfAnotherSizeThanTheInitImageIsRefused()
    {
        using var init = new Image<Rgb24>(64, 64);
        using var mask = Mask(32, 64, 255);
        var e = Single(Valid with { InitImage = init, Mask = mask });
        Assert.Equal("The mask is 32x64 but the init image is 64x64; paint the mask on the image itself, at its size.", e.Message);
    }

    [Fact]
    public void AnEmptyMaskIsRefusedAndSoIsAnAllWhiteOneInverted()
    {
        using var init = new Image<Rgb24>(64, 64);
        using var black = Mask(64, 64, 127); // below diffusers' 0.5 threshold everywhere
        using var white = Mask(64, 64, 255);
        Assert.Contains("nothing would be repainted", Single(Valid with { InitImage = init, Mask = black }).Message);
        Assert.Contains("all white", Single(Valid with { InitImage = init, Mask = white, InvertMask = true }).Message);
        Assert.Empty(GenerationRequestValidator.Validate(Valid with { InitImage = init, Mask = black, InvertMask = true }, GenerationLimits.Default));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(16)]
    public void HiresScalesOutsideOneToFourAreRefused(double scale)
    {
        var e = Single(Valid with { Hires = new HiresFix { Scale = scale } });
        Assert.Equal(nameof(GenerationRequest.Hires), e.Field);
        Assert.Contains($"Hires scale must be more than 1 and at most 4, not {scale}", e.Message);
    }

    [Fact]
    public void HiresFixIsForTxt2ImgWithADenoiseInZeroToOne()
    {
        using var init = new Image<Rgb24>(64, 64);
        Assert.Contains("Hires fix is for txt2img", Single(Valid with { InitImage = init, Hires = new HiresFix() }).Message);
        Assert.Contains("denoising strength must be in (0, 1]", Single(Valid with { Hires = new HiresFix { Denoise = 0 } }).Message);
        Assert.Contains("both hires target width and height", Single(Valid with { Hires = new HiresFix { TargetWidth = 128 } }).Message);
    }

    [Fact]
    public void TheHiresScheduleIsA1111s()
    {
        // setup_img2img_steps: int(steps / min(denoise, 0.999)); hires steps 0 = the base steps.
        Assert.Equal(20, new HiresFix { Steps = 12, Denoise = 0.6 }.ScheduleSteps(30));
        Assert.Equal(50, new HiresFix { Steps = 0, Denoise = 0.4 }.ScheduleSteps(20));
        Assert.Equal(20, new HiresFix { Steps = 20, Denoise = 1.0 }.ScheduleSteps(20)); // int(20 / 0.999) = 20
        Assert.Equal((128, 96), (new HiresFix { Scale = 2 }.WidthFor(64), new HiresFix { Scale = 1.5 }.HeightFor(64)));
        Assert.Equal(96, new HiresFix { Scale = 1.6 }.WidthFor(64)); // 102.4 rounded down to a multiple of 8
    }
}
