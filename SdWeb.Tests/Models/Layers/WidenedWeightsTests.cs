using SdWeb.Engine.Models.Layers;
using SdWeb.Tests.Support;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace SdWeb.Tests.Models.Layers;

/// <summary>
/// bf16 weights applied to float32 activations (the bf16 mode) by layers whose widened weights exceed 16 MiB, which
/// widen and apply them in groups of output channels: the result is libtorch's conv2d / linear on the whole widened
/// weight, to float32 rounding. Shapes are the UNet's largest: a 2560→1280 3×3 kernel (118 MiB in float32) and GEGLU's
/// 1280→10240 projection (50 MiB).
/// </summary>
[Layer(Layer.Engine)]
public sealed class WidenedWeightsTests(ITestOutputHelper output)
{
    [Fact]
    public void ALargeConvolutionWidenedInGroupsComputesTheWholeKernelsResult()
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using var random = new SeededRandom(6);
        using var conv = random.Initialise(nn.Conv2d(2560, 1280, 3, padding: 1, dtype: ScalarType.BFloat16));
        var input = random.Randn(2, 2560, 5, 4);
        var expected = nn.functional.conv2d(input, conv.weight!.to(ScalarType.Float32), conv.bias!.to(ScalarType.Float32), padding: [1, 1]);

        var actual = conv.RunInInputDType(input);

        AssertClose(expected, actual);
    }

    [Fact]
    public void ALargeLinearLayerWidenedInGroupsComputesTheWholeMatrixsResult()
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using var random = new SeededRandom(7);
        using var linear = random.Initialise(nn.Linear(1280, 10240, dtype: ScalarType.BFloat16));
        var input = random.Randn(2, 9, 1280);
        var expected = nn.functional.linear(input, linear.weight!.to(ScalarType.Float32), linear.bias!.to(ScalarType.Float32));

        var actual = linear.RunInInputDType(input);

        AssertClose(expected, actual);
    }

    private void AssertClose(Tensor expected, Tensor actual)
    {
        Assert.Equal(ScalarType.Float32, actual.dtype);
        var tolerance = 1e-4 * expected.abs().max().item<float>(); // float32 rounding of sums this long
        var error = TensorAssert.Close(expected, actual, tolerance, "grouped widening against the whole widened weight");
        output.WriteLine($"max |Δ| {error:E3} (output std {expected.std().item<float>():F3})");
    }
}
