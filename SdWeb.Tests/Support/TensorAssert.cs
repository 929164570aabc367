using static TorchSharp.torch;

namespace SdWeb.Tests.Support;

public static class TensorAssert
{
    /// <summary>Asserts equal shapes and max |expected - actual| ≤ tolerance; returns the maximum for reporting.</summary>
    public static double Close(Tensor expected, Tensor actual, double tolerance, string what)
    {
        Assert.True(expected.shape.SequenceEqual(actual.shape),
            $"{what}: shape [{string.Join(",", actual.shape)}], expected [{string.Join(",", expected.shape)}]");
        using var diff = (expected.to_type(ScalarType.Float64) - actual.to(expected.device).to_type(ScalarType.Float64)).abs().max();
        var max = diff.item<double>();
        Assert.True(max <= tolerance, $"{what}: max abs diff {max:E3} exceeds {tolerance:E1}");
        return max;
    }

    /// <summary>‖actual − expected‖₂ / ‖expected‖₂, in float64.</summary>
    public static double RelativeL2(Tensor expected, Tensor actual)
    {
        using var scope = NewDisposeScope();
        var e = expected.to_type(ScalarType.Float64);
        var a = actual.to(expected.device).to_type(ScalarType.Float64);
        return (a - e).norm().item<double>() / e.norm().item<double>();
    }
}
