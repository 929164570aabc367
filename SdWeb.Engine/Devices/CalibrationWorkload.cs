using System.Diagnostics;
using SdWeb.Engine.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SdWeb.Engine.Devices;

/// <summary>
/// The SD 1.5 UNet's dominant work at 512², small enough to time in a few seconds: 3×3 convolutions 320→320 on 64² and
/// 640→640 on 32² latents, and self-attention (projection + SDPA) over 64² tokens (8 heads of 40) and 32² tokens (8 of 80),
/// all at the CFG batch of 2. Each mode runs the same fp32-drawn weights and inputs through the layers' own mixed-precision
/// path (<see cref="MixedPrecision"/>), so the timing and the drift are those the UNet will see.
/// </summary>
internal sealed class CalibrationWorkload : IDisposable
{
    private const int TimedRuns = 2;
    private readonly Tensor[] _convWeights;
    private readonly Tensor[] _projectionWeights;
    private readonly Tensor[] _inputs;
    private readonly Tensor[] _expected;

    public CalibrationWorkload()
    {
        using var generator = new Generator(0);
        _convWeights = [Randn([320, 320, 3, 3], 1 / 54.0, generator), Randn([640, 640, 3, 3], 1 / 76.0, generator)];
        _projectionWeights = [Randn([320, 320], 1 / 18.0, generator), Randn([640, 640], 1 / 25.0, generator)];
        _inputs = [Randn([2, 320, 64, 64], 1, generator), Randn([2, 640, 32, 32], 1, generator),
            Randn([2, 64 * 64, 320], 1, generator), Randn([2, 32 * 32, 640], 1, generator)];
        _expected = Outputs(ModelPlacement.CpuFloat32);
    }

    /// <summary>The workload's time in a mode (min over the timed runs, after a warm-up) and its relative L2 drift from fp32.</summary>
    public (double Milliseconds, double Error) Run(ModelPlacement placement)
    {
        using var warmUp = new DisposableOutputs(Outputs(placement));
        var best = double.MaxValue;
        for (var i = 0; i < TimedRuns; i++)
        {
            var clock = Stopwatch.StartNew();
            using var outputs = new DisposableOutputs(Outputs(placement));
            best = Math.Min(best, clock.Elapsed.TotalMilliseconds);
        }
        return (best, warmUp.Items.Zip(_expected, RelativeL2).Max());
    }

    private Tensor[] Outputs(ModelPlacement placement)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var activations = MixedPrecision.ActivationDType(placement);
        using var conv64 = Conv(_convWeights[0], placement);
        using var conv32 = Conv(_convWeights[1], placement);
        using var projection64 = Projection(_projectionWeights[0], placement);
        using var projection32 = Projection(_projectionWeights[1], placement);
        Tensor[] outputs =
        [
            conv64.RunInInputDType(_inputs[0].to(activations)),
            conv32.RunInInputDType(_inputs[1].to(activations)),
            SelfAttention(projection64, _inputs[2].to(activations), 40),
            SelfAttention(projection32, _inputs[3].to(activations), 80),
        ];
        foreach (var output in outputs) output.MoveToOuterDisposeScope();
        return outputs;
    }

    /// <summary>Projected tokens [B, N, C] attended to themselves in heads of <paramref name="headDim"/>.</summary>
    private static Tensor SelfAttention(Linear projection, Tensor tokens, long headDim)
    {
        var heads = projection.RunInInputDType(tokens).view(tokens.shape[0], tokens.shape[1], -1, headDim).transpose(1, 2);
        return nn.functional.scaled_dot_product_attention(heads, heads, heads, p: 0.0, is_casual: false);
    }

    private static Conv2d Conv(Tensor weight, ModelPlacement placement)
    {
        var conv = nn.Conv2d(weight.shape[1], weight.shape[0], 3, padding: 1, bias: false, dtype: placement.DType);
        using var noGrad = no_grad();
        conv.weight!.copy_(weight);
        return conv;
    }

    private static Linear Projection(Tensor weight, ModelPlacement placement)
    {
        var linear = nn.Linear(weight.shape[1], weight.shape[0], hasBias: false, dtype: placement.DType);
        using var noGrad = no_grad();
        linear.weight!.copy_(weight);
        return linear;
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

    public void Dispose()
    {
        foreach (var t in _convWeights.Concat(_projectionWeights).Concat(_inputs).Concat(_expected)) t.Dispose();
    }

    private sealed class DisposableOutputs(Tensor[] items) : IDisposable
    {
        public Tensor[] Items { get; } = items;
        public void Dispose()
        {
            foreach (var t in Items) t.Dispose();
        }
    }
}
