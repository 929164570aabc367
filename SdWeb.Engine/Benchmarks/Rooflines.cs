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
    private const int ConvSize = 64;

    /// <summary>
    /// Each kernel is first timed a quarter as wide (512², [2,320,16,16]); if that says one full-size call would take longer
    /// than this, the small one stands as the roofline. libtorch's bf16 on a CPU without AVX-512 runs at 0.3–0.6 GFLOP/s,
    /// where the full-size bf16 kernels take half a minute to a minute a call.
    /// </summary>
    private const double FullSizeLimitMs = 3000;

    private sealed record Kernel(string Name, Func<int, ScalarType, Device, (Tensor X, Tensor W)> Inputs,
        Func<Tensor, Tensor, Tensor> Run, Func<int, double> Flops, Func<int, string> Shape, int FullSize);

    private static readonly Kernel[] Kernels =
    [
        new("matmul", (n, dtype, device) => (randn([n, n], dtype: dtype, device: device), randn([n, n], dtype: dtype, device: device)),
            (a, b) => a.mm(b), n => 2.0 * n * n * n, n => $"{n}²", MatmulSize),
        new("conv", (n, dtype, device) => (randn([2, 320, n, n], dtype: dtype, device: device), randn([320, 320, 3, 3], dtype: dtype, device: device)),
            (x, w) => nn.functional.conv2d(x, w, padding: [1, 1]), n => 2.0 * 2 * 320 * 320 * 9 * n * n, n => $"3×3 320→320 on [2,320,{n},{n}]",
            ConvSize),
    ];

    public static IReadOnlyDictionary<string, BenchTiming> Measure(Device device, int runs)
    {
        var timings = new Dictionary<string, BenchTiming>();
        foreach (var (name, dtype) in new[] { ("fp32", ScalarType.Float32), ("bf16", ScalarType.BFloat16) })
        {
            foreach (var kernel in Kernels)
            {
                var small = Time(kernel, kernel.FullSize / 4, name, dtype, device, runs: 1);
                var fullCallMs = small.MinMs * kernel.Flops(kernel.FullSize) / kernel.Flops(kernel.FullSize / 4);
                timings[$"{kernel.Name} {name}"] = fullCallMs <= FullSizeLimitMs
                    ? Time(kernel, kernel.FullSize, name, dtype, device, runs)
                    : small with { Description = $"{small.Description}; too slow here to time at full size, about {fullCallMs / 1000:0} s a call at this pace" };
            }
        }
        return timings;
    }

    /// <summary>The roofline a component's work is compared with: its kind of kernel in the dtype it computes in.</summary>
    public static string KeyFor(string component, string computeDType) =>
        $"{(component == "text" ? "matmul" : "conv")} {(computeDType == "bf16" ? "bf16" : "fp32")}";

    private static BenchTiming Time(Kernel kernel, int size, string dtypeName, ScalarType dtype, Device device, int runs)
    {
        using var noGrad = no_grad();
        var (x, w) = kernel.Inputs(size, dtype, device);
        using (x)
        using (w)
        {
            var stats = Timing.Measure(() =>
            {
                using var output = kernel.Run(x, w);
            }, device, runs);
            return new BenchTiming($"{kernel.Name} {kernel.Shape(size)} {dtypeName}", stats.MinMs, stats.MedianMs, stats.Runs, kernel.Flops(size));
        }
    }
}
