using System.Diagnostics;
using SdWeb.Engine.Kernels;
using SdWeb.Engine.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SdWeb.Engine.Devices;

/// <summary>
/// An SD 1.5 UNet step at 512² (CFG batch 2) estimated from a few seconds of its kinds of work: 3×3 convolutions, linear
/// layers (GEGLU's projection) and scaled-dot-product attention, each at the 64² latents and at 32². Every part is timed
/// alone and counted as often as the UNet does that work (<see cref="Part.UnetGflop"/>, from the config as
/// Benchmarks/FlopCounts counts it), so that the estimate weighs each kind of work as a real step does: timed as one sum,
/// attention over 64² tokens, the same in every mode and 14 % of a step's work, was 60 % of it and hid a 2× convolution gain
/// (docs/performance.md). Each mode runs the same fp32-drawn weights and inputs through the layers' own mixed-precision
/// path (<see cref="MixedPrecision"/>), so the timing and the drift are those the UNet will see.
/// </summary>
internal sealed class CalibrationWorkload : IDisposable
{
    /// <summary>Part of a cached result's key: a new workload measures again what an old one chose.</summary>
    public const string Version = "calibration 4";

    private const int TimedRuns = 2;
    private readonly Part[] _parts;
    private readonly Tensor[] _expected;

    /// <param name="Name">What the part computes.</param>
    /// <param name="Gflop">Its own work.</param>
    /// <param name="UnetGflop">The work of that kind in one SD 1.5 UNet call at 512², batch 2, that the part stands for.</param>
    /// <param name="Layer">The part's layer in a mode (built before the clock starts), null for attention, which has no weights.</param>
    /// <param name="ScreeningInput">A sixteenth of <paramref name="Input"/> for <see cref="Screen"/>; null for attention.</param>
    private sealed record Part(string Name, double Gflop, double UnetGflop, Tensor? Weight, Tensor Input,
        Func<ModelPlacement, nn.Module<Tensor, Tensor>?> Layer, Func<nn.Module<Tensor, Tensor>?, Tensor, ModelPlacement, Tensor> Run,
        Tensor? ScreeningInput = null);

    public CalibrationWorkload()
    {
        using var generator = new Generator(0);
        _parts =
        [
            ConvPart(320, 64, 283.91, 1 / 54.0, generator), // all convolutions at 64²
            ConvPart(640, 32, 552.81, 1 / 76.0, generator), // at 32² and below
            LinearPart(320, 64, 168.54, 1 / 18.0, generator), // all linear layers at 64²
            LinearPart(640, 32, 349.18, 1 / 25.0, generator), // at 32² and below
            AttentionPart(320, 64, 218.79, generator), // self- and cross-attention at 64²
            AttentionPart(640, 32, 33.32, generator), // at 32² and below
        ];
        _expected = Outputs(ModelPlacement.CpuFloat32).Outputs;
    }

    /// <summary>One UNet step's estimated time in a mode, and the largest relative L2 drift of the parts from fp32.</summary>
    public (double Milliseconds, double Error) Run(ModelPlacement placement)
    {
        var (warmUp, _) = Outputs(placement);
        var error = warmUp.Zip(_expected, RelativeL2).Max();
        var best = Enumerable.Repeat(double.MaxValue, _parts.Length).ToArray();
        foreach (var output in warmUp) output.Dispose();
        for (var run = 0; run < TimedRuns; run++)
        {
            var (outputs, milliseconds) = Outputs(placement);
            for (var p = 0; p < best.Length; p++) best[p] = Math.Min(best[p], milliseconds[p]);
            foreach (var output in outputs) output.Dispose();
        }
        return (_parts.Select((part, p) => best[p] * part.UnetGflop / part.Gflop).Sum(), error);
    }

    /// <summary>
    /// The mode's convolutions and linear layers on a sixteenth of their inputs, in milliseconds: the better of two runs, or
    /// the first alone when it already took longer than <paramref name="enough"/>. It costs milliseconds where a mode's
    /// kernels are fast and seconds where they are hopeless (libtorch's bf16 on a CPU without AVX-512 runs at 0.3–0.6
    /// GFLOP/s, so the full parts would take minutes), which is what it is for: <see cref="CpuDTypeCalibration"/> leaves out
    /// a mode that screens far slower than fp32.
    /// </summary>
    public double Screen(ModelPlacement placement, double enough = double.PositiveInfinity)
    {
        using var noGrad = no_grad();
        double Once()
        {
            var milliseconds = 0.0;
            foreach (var part in _parts.Where(p => p.ScreeningInput is not null))
            {
                var (output, callMilliseconds) = Call(part, part.ScreeningInput!, placement);
                output.Dispose();
                milliseconds += callMilliseconds;
            }
            return milliseconds;
        }
        var first = Once();
        return first > enough ? first : Math.Min(first, Once());
    }

    /// <summary>Each part's output and its time in milliseconds (the layer's call only).</summary>
    private (Tensor[] Outputs, double[] Milliseconds) Outputs(ModelPlacement placement)
    {
        using var noGrad = no_grad();
        var milliseconds = new double[_parts.Length];
        var outputs = new Tensor[_parts.Length];
        for (var p = 0; p < _parts.Length; p++) (outputs[p], milliseconds[p]) = Call(_parts[p], _parts[p].Input, placement);
        return (outputs, milliseconds);
    }

    /// <summary>The part's layer in <paramref name="placement"/> (built before the clock starts) called once on <paramref name="input"/>.</summary>
    private static (Tensor Output, double Milliseconds) Call(Part part, Tensor input, ModelPlacement placement)
    {
        using var scope = NewDisposeScope();
        using var layer = part.Layer(placement);
        var converted = input.to(MixedPrecision.ActivationDType(placement));
        var clock = Stopwatch.StartNew();
        var output = part.Run(layer, converted, placement);
        var milliseconds = clock.Elapsed.TotalMilliseconds;
        return (output.MoveToOuterDisposeScope(), milliseconds);
    }

    /// <summary>A 3×3 convolution channels → channels on a [2, channels, size, size] map.</summary>
    private static Part ConvPart(int channels, int size, double unetGflop, double scale, Generator generator)
    {
        var weight = Randn([channels, channels, 3, 3], scale, generator);
        var map = Randn([2, channels, size, size], 1, generator);
        return new($"conv {channels} at {size}²", 2.0 * 2 * channels * channels * 9 * size * size / 1e9, unetGflop, weight, map,
            placement => WithWeight(nn.Conv2d(channels, channels, 3, padding: 1, bias: false, dtype: placement.DType), weight),
            (layer, input, placement) => layer!.RunInInputDType(input, winograd: !placement.LibtorchConvolutions),
            map.narrow(2, 0, size / 4).narrow(3, 0, size / 4).contiguous());
    }

    /// <summary>GEGLU's projection channels → 8·channels over the [2, size², channels] tokens.</summary>
    private static Part LinearPart(int channels, int size, double unetGflop, double scale, Generator generator)
    {
        var weight = Randn([8 * channels, channels], scale, generator);
        var tokens = Randn([2, size * size, channels], 1, generator);
        return new($"linear {channels}→{8 * channels} at {size}²", 2.0 * 2 * size * size * channels * 8 * channels / 1e9, unetGflop, weight,
            tokens,
            placement => WithWeight(nn.Linear(channels, 8 * channels, hasBias: false, dtype: placement.DType), weight),
            (layer, input, _) => layer!.RunInInputDType(input),
            tokens.narrow(1, 0, size * size / 16).contiguous());
    }

    /// <summary>Self-attention of the [2, size², channels] tokens in 8 heads (the UNet's at that width), without projections.</summary>
    private static Part AttentionPart(int channels, int size, double unetGflop, Generator generator) =>
        new($"attention over {size}² tokens", 2.0 * 4 * size * size * size * size * channels / 1e9, unetGflop, null,
            Randn([2, size * size, channels], 1, generator), _ => null,
            (_, tokens, placement) => ScaledDotProductAttention.Forward(tokens, tokens, tokens, heads: 8, placement.LibtorchAttention));

    /// <summary>The layer with <paramref name="weight"/> (fp32) in its own dtype: the same weights in every mode.</summary>
    private static nn.Module<Tensor, Tensor> WithWeight(nn.Module<Tensor, Tensor> layer, Tensor weight)
    {
        using var noGrad = no_grad();
        layer.parameters().First().copy_(weight);
        return layer;
    }

    private static Tensor Randn(long[] shape, double scale, Generator generator)
    {
        using var unit = randn(shape, generator: generator);
        return unit.mul(scale);
    }

    private static double RelativeL2(Tensor actual, Tensor expected)
    {
        using var scope = NewDisposeScope();
        var difference = actual.to(ScalarType.Float64) - expected.to(ScalarType.Float64);
        return difference.norm().item<double>() / expected.to(ScalarType.Float64).norm().item<double>();
    }

    /// <summary>The parts and the UNet work they stand for, for a test to hold against the config's own count.</summary>
    internal IEnumerable<(string Name, double UnetGflop)> Parts => _parts.Select(p => (p.Name, p.UnetGflop));

    public void Dispose()
    {
        foreach (var t in _parts.SelectMany(p => new[] { p.Weight, p.Input, p.ScreeningInput }).OfType<Tensor>().Concat(_expected)) t.Dispose();
    }
}
