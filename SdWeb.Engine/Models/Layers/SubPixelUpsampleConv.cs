using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SdWeb.Engine.Models.Layers;

/// <summary>
/// Nearest ×2 upsampling followed by a 3×3 convolution (stride 1, padding 1), computed on the low-resolution input. An output
/// pixel's row parity a decides which input rows its kernel rows fall on: for even rows the kernel's row 0 lands on input
/// row i−1 and rows 1 and 2 both on row i; for odd rows rows 0 and 1 on row i and row 2 on row i+1 (columns alike). So each
/// of the four parity phases is a 2×2 convolution of the input with summed taps, and the four run as one convolution with
/// 4× the output channels, interleaved into the ×2 output. Exact in real arithmetic (fp32 results change by rounding
/// only); 4/9 of the multiply-adds and no upsampled copy of the input (docs/performance.md).
/// </summary>
internal static class SubPixelUpsampleConv
{
    /// <summary>[phase, 2×2 kernel row, 3×3 kernel row]: which of the 3×3 rows (or columns) each phase's rows sum.</summary>
    private static readonly float[] TapSums =
    [
        1, 0, 0, /**/ 0, 1, 1, // even rows: input rows i−1 | i
        1, 1, 0, /**/ 0, 0, 1, // odd rows: input rows i | i+1
    ];

    /// <summary><paramref name="conv"/> (3×3, padding 1) on <paramref name="input"/> upsampled ×2, nearest.</summary>
    public static Tensor Apply(Conv2d conv, Tensor input)
    {
        using var scope = NewDisposeScope();
        var computeDType = MixedPrecision.ConvDType(conv, input);
        var source = input.to(computeDType);
        var zeroPadded = conv.padding_mode == PaddingModes.Zeros;
        // Padding the input by one pads the upsampled map by one: both zeros, or both the wrapped-around row (circular).
        if (!zeroPadded) source = nn.functional.pad(source, [1, 1, 1, 1], conv.padding_mode);
        var (weight, bias) = PhaseKernels(conv, computeDType);
        var phases = nn.functional.conv2d(source, weight, bias, padding: zeroPadded ? [1, 1] : [0, 0]);
        return Interleave(phases, input.shape[0], input.shape[2], input.shape[3], input.IsChannelsLast()).to(input.dtype)
            .MoveToOuterDisposeScope();
    }

    /// <summary>
    /// <see cref="Apply"/> over a map in row bands, zero padding only, consuming <paramref name="input"/>: output band
    /// i is the upsampled rows of input band i, from its phases computed on the band with one neighbour row above and below
    /// (phase row p reads input rows p − 1 and p).
    /// </summary>
    public static RowBands ApplyBands(Conv2d conv, RowBands input)
    {
        if (conv.padding_mode != PaddingModes.Zeros)
            throw new ArgumentException("Row bands take zero-padded convolutions.", nameof(conv));
        var computeDType = MixedPrecision.ConvDType(conv, input[0]);
        var (weight, bias) = PhaseKernels(conv, computeDType);
        using var phaseWeight = weight;
        using var phaseBias = bias;
        using var buffer = input.NeighbourRowsBuffer();
        var output = new List<Tensor>(input.Count);
        for (var i = 0; i < input.Count; i++)
        {
            using (var scope = NewDisposeScope())
            {
                var rows = input.ZeroOutsideRows(input.WithNeighbourRows(i, buffer), i);
                var phases = nn.functional.conv2d(rows.to(computeDType), phaseWeight, phaseBias, padding: [0, 1]);
                var band = input[i];
                output.Add(Interleave(phases, band.shape[0], band.shape[2], band.shape[3], band.IsChannelsLast()).to(band.dtype)
                    .MoveToOuterDisposeScope());
            }
            if (i > 0) input.Release(i - 1);
        }
        input.Release(input.Count - 1);
        return new RowBands(output);
    }

    /// <summary>The four phases' 2×2 kernels stacked on the output channels, phase 2a+b first; taps summed in float32.</summary>
    private static (Tensor Weight, Tensor? Bias) PhaseKernels(Conv2d conv, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var kernel = conv.weight!;
        var (outChannels, inChannels) = (kernel.shape[0], kernel.shape[1]);
        var sums = tensor(TapSums, [2, 2, 3], device: kernel.device);
        var phases = einsum("ark,oikl,bsl->aboirs", sums, kernel.to(ScalarType.Float32), sums)
            .reshape(4 * outChannels, inChannels, 2, 2).to(dtype);
        return (phases.MoveToOuterDisposeScope(), conv.bias?.to(dtype).repeat(4).MoveToOuterDisposeScope());
    }

    /// <summary>
    /// [N, 4·O, H+1, W+1] phases → [N, O, 2H, 2W] with output (n, o, 2i+a, 2j+b) = phases (n, (2a+b)·O + o, i+a, j+b): one
    /// strided copy, channels-last or not as the input was.
    /// </summary>
    private static Tensor Interleave(Tensor phases, long batch, long height, long width, bool channelsLast)
    {
        var channels = phases.shape[1] / 4;
        var (sn, sc, sh, sw) = (phases.stride(0), phases.stride(1), phases.stride(2), phases.stride(3));
        // Dimensions n, o, i, a, j, b.
        var source = phases.as_strided([batch, channels, height, 2, width, 2],
            [sn, sc, sh, 2 * channels * sc + sh, sw, channels * sc + sw], phases.storage_offset());
        if (channelsLast)
        {
            var nhwc = empty([batch, height, 2, width, 2, channels], dtype: phases.dtype, device: phases.device);
            nhwc.permute(0, 5, 1, 2, 3, 4).copy_(source);
            return nhwc.view(batch, 2 * height, 2 * width, channels).permute(0, 3, 1, 2);
        }
        var nchw = empty([batch, channels, height, 2, width, 2], dtype: phases.dtype, device: phases.device);
        nchw.copy_(source);
        return nchw.view(batch, channels, 2 * height, 2 * width);
    }
}
