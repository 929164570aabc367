using SdWeb.Engine.Pipelines;
using SdWeb.Engine.Pipelines.Validation;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace SdWeb.Tests.Pipelines;

[Layer(Layer.Engine)]
public class VariationValidationTests
{
    private static readonly GenerationRequest Valid = new() { Prompts = ["a horse"], Width = 64, Height = 64 };

    private static ValidationError Single(GenerationRequest request) =>
        Assert.Single(GenerationRequestValidator.Validate(request, GenerationLimits.Default));

    [Theory]
    [InlineData(2.0)]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    public void SubseedStrengthOutsideZeroToOne(double strength)
    {
        var e = Single(Valid with { Subseed = 5, SubseedStrength = strength });
        Assert.Equal(nameof(GenerationRequest.SubseedStrength), e.Field);
        Assert.Equal(
            $"Variation seed strength (SubseedStrength) must be between 0 and 1, not {strength.ToString(System.Globalization.CultureInfo.InvariantCulture)}.",
            e.Message);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.5)]
    [InlineData(1.0)]
    public void SubseedStrengthInRangeIsValid(double strength) =>
        Assert.Empty(GenerationRequestValidator.Validate(Valid with { Subseed = 5, SubseedStrength = strength }, GenerationLimits.Default));

    [Fact]
    public void NegativeSubseed()
    {
        var e = Single(Valid with { Subseed = -1, SubseedStrength = 0.5 });
        Assert.Equal(nameof(GenerationRequest.Subseed), e.Field);
        Assert.Equal("Variation seed (Subseed) must be 0 or more (or left empty for a random one), not -1.", e.Message);
    }

    [Fact]
    public void VariationWithAnInitImageIsRefused()
    {
        using var init = new Image<Rgb24>(64, 64);
        var e = Single(Valid with { InitImage = init, Subseed = 5, SubseedStrength = 0.5 });
        Assert.Equal(nameof(GenerationRequest.SubseedStrength), e.Field);
        Assert.Equal("Variation seeds shape txt2img's initial noise; they cannot be combined with an init image.", e.Message);
    }

    [Fact]
    public void UnknownTimestepSpacing()
    {
        var e = Single(Valid with { TimestepSpacing = "uniform" });
        Assert.Equal(nameof(GenerationRequest.TimestepSpacing), e.Field);
        Assert.Equal("Unknown timestep spacing 'uniform'. Valid: linspace, leading, trailing (or none for the model's own).", e.Message);
    }
}
