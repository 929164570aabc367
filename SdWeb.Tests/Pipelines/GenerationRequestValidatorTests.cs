using SdWeb.Engine.Pipelines;
using SdWeb.Engine.Pipelines.Validation;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace SdWeb.Tests.Pipelines;

[Layer(Layer.Engine)]
public class GenerationRequestValidatorTests
{
    private static readonly GenerationRequest Valid = new() { Prompts = ["a horse"], Width = 64, Height = 64 };

    private static ValidationError Single(GenerationRequest request, GenerationLimits? limits = null)
    {
        var errors = GenerationRequestValidator.Validate(request, limits ?? GenerationLimits.Default);
        return Assert.Single(errors);
    }

    [Fact]
    public void AValidRequestHasNoErrors() =>
        Assert.Empty(GenerationRequestValidator.Validate(Valid, GenerationLimits.Default));

    [Fact]
    public void NoPrompt()
    {
        var e = Single(Valid with { Prompts = [] });
        Assert.Equal(nameof(GenerationRequest.Prompts), e.Field);
        Assert.Equal("No prompt given; describe the image to generate.", e.Message);
        Assert.Equal(e.Message, Single(Valid with { Prompts = ["  "] }).Message);
    }

    [Fact]
    public void PromptTooLong()
    {
        var e = Single(Valid with { Prompts = ["ok", new string('a', 2001)] });
        Assert.Equal("Prompt 2 is 2001 characters long; the limit is 2000.", e.Message);
    }

    [Fact]
    public void NegativePromptCountMustBeZeroOneOrOnePerPrompt()
    {
        Assert.Empty(GenerationRequestValidator.Validate(Valid with { Prompts = ["a", "b"], NegativePrompts = ["x"] }, GenerationLimits.Default));
        Assert.Empty(GenerationRequestValidator.Validate(Valid with { Prompts = ["a", "b"], NegativePrompts = ["x", "y"] }, GenerationLimits.Default));
        var e = Single(Valid with { Prompts = ["a", "b", "c"], NegativePrompts = ["x", "y"] });
        Assert.Equal(nameof(GenerationRequest.NegativePrompts), e.Field);
        Assert.Equal("2 negative prompts for 3 prompt(s); give none, one for all prompts, or exactly one per prompt.", e.Message);
    }

    [Fact]
    public void UnknownSamplerListsTheValidOnes()
    {
        var e = Single(Valid with { Sampler = "k_euler" });
        Assert.Equal(nameof(GenerationRequest.Sampler), e.Field);
        Assert.Equal("Unknown sampler 'k_euler'. Valid samplers: lms, lms_karras, euler, euler_karras, euler_a, heun, heun_karras, ddim, pndm, dpmpp_2m, dpmpp_2m_karras, dpmpp_2m_sde, dpmpp_2m_sde_karras, unipc, unipc_karras.", e.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1001)]
    public void StepsOutOfRange(int steps) =>
        Assert.Equal($"Steps must be between 1 and 1000, not {steps}.", Single(Valid with { Steps = steps }).Message);

    [Theory]
    [InlineData(-0.5)]
    [InlineData(50.5)]
    [InlineData(double.NaN)]
    public void GuidanceOutOfRange(double cfg)
    {
        var e = Single(Valid with { CfgScale = cfg });
        Assert.Equal(nameof(GenerationRequest.CfgScale), e.Field);
        Assert.StartsWith("CFG scale must be between 0 and 50, not ", e.Message);
    }

    [Fact]
    public void SidesMustBeMultiplesOfEight()
    {
        var e = Single(Valid with { Width = 100 });
        Assert.Equal(nameof(GenerationRequest.Width), e.Field);
        Assert.Equal("Width must be a positive multiple of 8, not 100.", e.Message);
        Assert.Equal("Height must be a positive multiple of 8, not 0.", Single(Valid with { Height = 0 }).Message);
    }

    [Fact]
    public void PixelBudget()
    {
        var e = Single(Valid with { Width = 2048, Height = 1024 });
        Assert.Equal("2048x1024 is 2097152 pixels, more than the budget of 1048576; make the image smaller.", e.Message);
        Assert.Empty(GenerationRequestValidator.Validate(Valid with { Width = 2048, Height = 1024 }, new GenerationLimits { MaxPixels = 2048 * 1024 }));
    }

    [Fact]
    public void ImagesPerJob()
    {
        Assert.Equal("Images per prompt must be at least 1, not 0.", Single(Valid with { ImagesPerPrompt = 0 }).Message);
        var e = Single(Valid with { Prompts = ["a", "b"], ImagesPerPrompt = 3 }, new GenerationLimits { MaxImagesPerJob = 4 });
        Assert.Equal("2 prompt(s) × 3 image(s) = 6 images; at most 4 per job.", e.Message);
    }

    [Fact]
    public void NegativeSeed() =>
        Assert.Equal("Seed must be 0 or more (or left empty for a random one), not -1.", Single(Valid with { Seed = -1 }).Message);

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.5)]
    public void StrengthOutOfRangeForImg2Img(double strength)
    {
        using var init = new Image<Rgb24>(64, 64);
        var e = Single(Valid with { InitImage = init, Strength = strength });
        Assert.Equal(nameof(GenerationRequest.Strength), e.Field);
        Assert.Equal($"Strength must be in (0, 1], not {strength.ToString(System.Globalization.CultureInfo.InvariantCulture)}.", e.Message);
    }

    [Fact]
    public void StrengthThatRunsNoStep()
    {
        using var init = new Image<Rgb24>(64, 64);
        var e = Single(Valid with { InitImage = init, Strength = 0.04, Steps = 20 });
        Assert.Equal("Strength 0.04 × 20 steps runs no step; raise the strength or the steps.", e.Message);
    }

    [Fact]
    public void StrengthIsCheckedWhenTheInitImageIsOnlyAnnounced()
    {
        var e = Assert.Single(GenerationRequestValidator.Validate(Valid with { Strength = 0.04, Steps = 20 }, GenerationLimits.Default,
            hasInitImage: true));
        Assert.Equal("Strength 0.04 × 20 steps runs no step; raise the strength or the steps.", e.Message);
    }

    [Fact]
    public void StrengthIsIgnoredForTxt2Img() =>
        Assert.Empty(GenerationRequestValidator.Validate(Valid with { Strength = 5 }, GenerationLimits.Default));

    [Fact]
    public void ThrowIfInvalidListsEveryProblem()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            GenerationRequestValidator.ThrowIfInvalid(Valid with { Steps = 0, Width = 7 }, GenerationLimits.Default));
        Assert.Contains("Steps must be between 1 and 1000, not 0.", e.Message);
        Assert.Contains("Width must be a positive multiple of 8, not 7.", e.Message);
    }
}
