using System.Diagnostics;
using SdWeb.Engine.Kernels;
using SdWeb.Engine.Models.Layers;
using static TorchSharp.torch;

namespace SdWeb.Engine.Devices;

/// <summary>
/// SdWeb's own CPU kernels timed against libtorch's on this machine, on the shapes of SD v1 where they would run, through the
/// same entry points the models call (<see cref="MixedPrecision.RunInInputDType"/>, <see cref="ScaledDotProductAttention"/>).
/// Each side is called alternately (a warm-up of each, then the better of <see cref="TimedRounds"/>), so a machine whose pace
/// drifts slows both alike. The convolutions take about four seconds on a 2-core Zen 3, the attention about two on Zen 4.
/// </summary>
internal static class KernelRace
{
    internal const int TimedRounds = 3;

    /// <summary>
    /// Float32 3×3 convolutions that take Winograd in SD 1.5, in the layout the models run them in: the UNet's 320→320 at
    /// 64² (CFG batch 2, NCHW), the decoder's 512→512 at 64² and 256→256 at 128² (a quarter of its 256² layers; channels-last).
    /// </summary>
    public static KernelTimes Convolutions()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(0);
        var layers = new[] { (320, 2, 64, false), (512, 1, 64, true), (256, 1, 128, true) }.Select(shape =>
        {
            var (channels, batch, size, channelsLast) = shape;
            var conv = nn.Conv2d(channels, channels, 3, padding: 1);
            using (no_grad()) conv.weight!.copy_(randn(conv.weight.shape, generator: generator).mul_(0.02));
            var map = randn([batch, channels, size, size], generator: generator);
            return (conv, map: channelsLast ? map.ToChannelsLast() : map);
        }).ToArray();
        try
        {
            return Race(winograd => layers.Select(l => l.conv.RunInInputDType(l.map, winograd)).ToArray());
        }
        finally
        {
            foreach (var (conv, _) in layers) conv.Dispose();
        }
    }

    /// <summary>bf16 self-attention over the UNet's 64² latent tokens (CFG batch 2, 8 heads of 40).</summary>
    public static KernelTimes Attention()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(0);
        var tokens = randn([2, 64 * 64, 320], generator: generator).to(ScalarType.BFloat16);
        return Race(own => [ScaledDotProductAttention.Forward(tokens, tokens, tokens, heads: 8, libtorchOnly: !own)]);
    }

    /// <summary>The better of <see cref="TimedRounds"/> alternate calls of <paramref name="run"/>(true) (SdWeb's) and (false) (libtorch's).</summary>
    private static KernelTimes Race(Func<bool, Tensor[]> run)
    {
        using var noGrad = no_grad();
        var best = new[] { double.MaxValue, double.MaxValue };
        for (var round = 0; round <= TimedRounds; round++)
        {
            foreach (var own in new[] { true, false })
            {
                using var scope = NewDisposeScope();
                var clock = Stopwatch.StartNew();
                run(own);
                var milliseconds = clock.Elapsed.TotalMilliseconds;
                if (round > 0) best[own ? 0 : 1] = Math.Min(best[own ? 0 : 1], milliseconds); // round 0 warms up
            }
        }
        return new KernelTimes(best[0], best[1]);
    }
}
