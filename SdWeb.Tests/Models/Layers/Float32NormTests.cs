using SdWeb.Engine.Devices;
using SdWeb.Engine.Models.Layers;
using SdWeb.Tests.Support;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace SdWeb.Tests.Models.Layers;

/// <summary>
/// The float32 norms on a bf16 input (libtorch's mixed-dtype kernels, no float32 copy of the input) against the norm computed
/// on the input widened to float32, rounded to bf16 once: equal to bf16 rounding, in both memory layouts, keeping the
/// input's dtype and layout. Random affine weights, an offset input (statistics far from 0 and 1).
/// </summary>
[Layer(Layer.Engine)]
public sealed class Float32NormTests(ITestOutputHelper output)
{
    /// <summary>
    /// One bf16 step (2⁻⁷ relative at most): the same float32 result rounded, or its neighbour where the two float32
    /// computations differ in the last bits. Statistics taken in bf16 would miss it by far (mean 5 rounds by ~0.02).
    /// </summary>
    private const double MaxRelativeStep = 1.0 / 128 + 1e-5;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void GroupNormOfBFloat16EqualsTheFloat32NormRounded(bool channelsLast)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using var random = new SeededRandom(13);
        using var norm = new Float32GroupNorm(8, 32, 1e-6, ModelPlacement.CpuFloat32);
        Randomize(norm, random);
        var input = (random.Randn(2, 32, 12, 10) * 3 + 5).to(ScalarType.BFloat16);
        if (channelsLast) input = input.ToChannelsLast();
        var expected = nn.functional.group_norm(input.to(ScalarType.Float32), 8, norm.get_parameter("weight"), norm.get_parameter("bias"), 1e-6);

        var actual = norm.forward(input);

        Assert.Equal(ScalarType.BFloat16, actual.dtype);
        Assert.Equal(channelsLast, actual.IsChannelsLast());
        AssertRoundingOf(expected, actual);
    }

    [Fact]
    public void LayerNormOfBFloat16EqualsTheFloat32NormRounded()
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using var random = new SeededRandom(14);
        using var norm = new Float32LayerNorm(48, 1e-5, ModelPlacement.CpuFloat32);
        Randomize(norm, random);
        var input = (random.Randn(2, 77, 48) * 3 + 5).to(ScalarType.BFloat16);
        var expected = nn.functional.layer_norm(input.to(ScalarType.Float32), [48], norm.get_parameter("weight"), norm.get_parameter("bias"), 1e-5);

        var actual = norm.forward(input);

        Assert.Equal(ScalarType.BFloat16, actual.dtype);
        AssertRoundingOf(expected, actual);
    }

    private static void Randomize(nn.Module norm, SeededRandom random)
    {
        foreach (var (_, parameter) in norm.named_parameters()) parameter.copy_(random.Randn(parameter.shape));
    }

    /// <summary>Every element of <paramref name="actual"/> is <paramref name="expected"/>'s rounded to bf16, up to float32 noise.</summary>
    private void AssertRoundingOf(Tensor expected, Tensor actual)
    {
        var difference = (actual.to(ScalarType.Float32) - expected).abs();
        var relative = (difference / (expected.abs() + 1e-3)).max().item<float>();
        output.WriteLine($"max |Δ| {difference.max().item<float>():E3}, max relative step {relative:E3} (bound {MaxRelativeStep:E3})");
        Assert.True(relative <= MaxRelativeStep, $"the bf16 norm is {relative:E3} (relative) from the float32 norm rounded");
    }
}
