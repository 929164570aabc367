using SdWeb.Engine.Devices;
using SdWeb.Engine.Models.Layers;
using SdWeb.Tests.Support;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace SdWeb.Tests.Models.Layers;

/// <summary>
/// Layers run over a map held in row bands (the bf16-weights VAE decode's) against the same layers over the whole map,
/// computed by libtorch's own GroupNorm, interpolate and conv2d: equal to float32 rounding, for bands of unequal height
/// down to one row, in both memory layouts; the input's bands are handed on or freed.
/// </summary>
[Layer(Layer.Engine)]
public sealed class RowBandsTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-5;

    [Theory]
    [InlineData(48, 32, 5, true)] // 1×1 shortcut: the input's bands are freed
    [InlineData(32, 32, 4, false)] // identity shortcut: the input's bands become the output's
    [InlineData(32, 32, 13, true)] // one row per band
    public void AResnetInBandsComputesTheWholeMapsResult(int inChannels, int outChannels, int bandCount, bool channelsLast)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        manual_seed(3);
        using var resnet = new ResnetBlock2D(inChannels, outChannels, tembChannels: null, groups: 16, eps: 1e-6, "silu",
            outputScaleFactor: 1.0, ModelPlacement.CpuFloat32);
        RandomiseNorms(resnet);
        var input = randn(2, inChannels, 13, 11) * 3 + 1;
        if (channelsLast) input = input.ToChannelsLast();
        var expected = resnet.forward(input, null);

        using var bands = RowBands.Split(input, bandCount);
        var firstBand = bands[0];
        using var result = resnet.ForwardBands(bands);
        var actual = result.Join();

        AssertClose(expected, actual);
        Assert.Equal(channelsLast, actual.IsChannelsLast());
        Assert.Throws<InvalidOperationException>(() => bands[0]); // consumed
        Assert.Equal(inChannels == outChannels, !firstBand.IsInvalid); // the identity shortcut's residual, else freed
    }

    [Theory]
    [InlineData(3, true)]
    [InlineData(7, false)]
    public void AnUpsamplerInBandsComputesUpsamplingThenConvolving(int bandCount, bool channelsLast)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        manual_seed(4);
        using var conv = nn.Conv2d(16, 24, 3, padding: 1);
        var input = randn(2, 16, 7, 9);
        if (channelsLast) input = input.ToChannelsLast();
        var upsampled = nn.functional.interpolate(input, scale_factor: [2.0, 2.0], mode: InterpolationMode.Nearest);
        var expected = conv.forward(upsampled);

        using var bands = RowBands.Split(input, bandCount);
        using var result = SubPixelUpsampleConv.ApplyBands(conv, bands);

        Assert.Equal(bandCount, result.Count);
        AssertClose(expected, result.Join());
        Assert.Throws<InvalidOperationException>(() => bands[bandCount - 1]);
    }

    [Fact]
    public void AGroupNormOverBandsUsesTheWholeMapsStatistics()
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        manual_seed(5);
        using var norm = new Float32GroupNorm(8, 32, 1e-6, ModelPlacement.CpuFloat32);
        norm.get_parameter("weight")!.copy_(randn(32));
        norm.get_parameter("bias")!.copy_(randn(32));
        // Bands with different means, so per-band statistics would be visibly wrong.
        var input = (randn(2, 32, 12, 5) + arange(12).view(1, 1, 12, 1)).ToChannelsLast();
        var expected = nn.functional.group_norm(input, 8, norm.get_parameter("weight")!, norm.get_parameter("bias")!, 1e-6);

        using var bands = RowBands.Split(input, 5);
        var (scale, shift) = norm.AffineOver(bands);

        AssertClose(expected, input * scale + shift);
    }

    private void AssertClose(Tensor expected, Tensor actual)
    {
        var error = TensorAssert.Close(expected, actual, Tolerance, "row bands against the whole map");
        output.WriteLine($"max |Δ| {error:E3} (output std {expected.std().item<float>():F3})");
    }

    private static void RandomiseNorms(nn.Module module)
    {
        foreach (var norm in module.modules().OfType<Float32GroupNorm>())
        {
            norm.get_parameter("weight")!.copy_(rand(norm.get_parameter("weight")!.shape) + 0.5);
            norm.get_parameter("bias")!.copy_(randn(norm.get_parameter("bias")!.shape));
        }
    }
}
