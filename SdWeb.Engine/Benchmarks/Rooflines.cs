using TorchSharp;
using static TorchSharp.torch;

namespace SdWeb.Engine.Benchmarks;

/// <summary>
/// The machine's practical peaks as libtorch reaches them in this process: a 2048² matmul and a 3×3 320→320 convolution
/// on [2,320,64,64] (the UNet's commonest shape), each in fp32 and bf16. A component's GFLOP/s over its matching
/// roofline says how much of the machine it uses. Keys: "matmul fp32", "matmul bf16", "conv fp32", "conv bf16".
/// </summary>
internal static class Rooflines
{
    private const int MatmulSize = 2048;
    private static readonly long[] ConvInput = [2, 320, 64, 64];

    public static IReadOnlyDictionary<string, BenchTiming> Measure(Device device, int runs)
    {
        var timings = new Dictionary<string, BenchTiming>();
        foreach (var (name, dtype) in new[] { ("fp32", ScalarType.Float32), ("bf16", ScalarType.BFloat16) })
        {
            timings[$"matmul {name}"] = Time($"matmul {MatmulSize}² {name}", device, runs, 2.0 * MatmulSize * MatmulSize * MatmulSize,
                () => randn([MatmulSize, MatmulSize], dtype: dtype, device: device), (a, b) => a.mm(b),
                () => randn([MatmulSize, MatmulSize], dtype: dtype, device: device));
            timings[$"conv {name}"] = Time($"conv 3×3 320→320 on [2,320,64,64] {name}", device, runs, ConvFlops(),
                () => randn(ConvInput, dtype: dtype, device: device),
                (x, w) => nn.functional.conv2d(x, w, padding: [1, 1]), () => randn([320, 320, 3, 3], dtype: dtype, device: device));
        }
        return timings;
    }

    /// <summary>The roofline a component's work is compared with: its kind of kernel in the dtype it computes in.</summary>
    public static string KeyFor(string component, string computeDType) =>
        $"{(component == "text" ? "matmul" : "conv")} {(computeDType == "bf16" ? "bf16" : "fp32")}";

    private static double ConvFlops() => 2.0 * ConvInput[0] * 320 * 320 * 9 * ConvInput[2] * ConvInput[3];

    private static BenchTiming Time(string description, Device device, int runs, double flops, Func<Tensor> input,
        Func<Tensor, Tensor, Tensor> kernel, Func<Tensor> weight)
    {
        using var noGrad = no_grad();
        using var x = input();
        using var w = weight();
        var stats = Timing.Measure(() =>
        {
            using var output = kernel(x, w);
        }, device, runs);
        return new BenchTiming(description, stats.MinMs, stats.MedianMs, stats.Runs, flops);
    }
}
