using SdWeb.Engine.Devices;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SdWeb.Engine.Models.Layers;

/// <summary>
/// An affine GroupNorm whose statistics and affine transform run in float32 whatever the model's dtype, its result cast
/// back to the input's dtype. In bf16, a norm computed in bf16 doubles the error against fp32. Its weights are float32
/// (a few KiB per norm); parameter names are PyTorch's <c>weight</c> and <c>bias</c>. A bf16 input on the CPU goes to
/// libtorch's mixed-dtype kernel (<see cref="MixedPrecision.NormsInFloat32Natively"/>).
/// </summary>
internal sealed class Float32GroupNorm : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter bias;
    private readonly long _numGroups;
    private readonly double _eps;

    public Float32GroupNorm(int numGroups, int numChannels, double eps, ModelPlacement placement) : base("GroupNorm")
    {
        weight = new Parameter(ones(numChannels, dtype: ScalarType.Float32, device: placement.Device), requires_grad: false);
        bias = new Parameter(zeros(numChannels, dtype: ScalarType.Float32, device: placement.Device), requires_grad: false);
        _numGroups = numGroups;
        _eps = eps;
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        if (input.dtype == ScalarType.Float32 || MixedPrecision.NormsInFloat32Natively(input))
            return nn.functional.group_norm(input, _numGroups, weight, bias, _eps);
        using var wide = input.to(ScalarType.Float32);
        using var normed = nn.functional.group_norm(wide, _numGroups, weight, bias, _eps);
        return normed.to(input.dtype);
    }

    /// <summary>
    /// This norm over a map held in row bands (float32 or bf16), as the per-channel <c>scale</c> and <c>shift</c> ([N, C, 1, 1]) with
    /// which <c>x · scale + shift</c> is the normalised map: each band's per-channel moments, merged (Chan et al.) in float64
    /// into the whole map's per-group ones, so every band is normalised with the statistics of the whole map, as libtorch's
    /// GroupNorm does.
    /// </summary>
    public (Tensor Scale, Tensor Shift) AffineOver(RowBands map)
    {
        using var scope = NewDisposeScope();
        var (batch, channels) = (map[0].shape[0], map[0].shape[1]);
        // Per channel first (a reduction over rows and columns, which channels-last bands run vectorised over channels),
        // then per group: every channel of a group counts as many elements, so the group's mean is its channels' mean.
        var (count, mean, squares) = ChannelMoments(map);
        var perGroup = channels / _numGroups;
        var channelMeans = mean.view(batch, _numGroups, perGroup);
        var groupMean = channelMeans.mean([2], keepdim: true);
        var groupSquares = squares.view(batch, _numGroups, perGroup).sum([2], keepdim: true)
            + (channelMeans - groupMean).square().sum([2], keepdim: true) * count;
        var rstd = (groupSquares / (count * perGroup) + _eps).rsqrt();
        var scale = (weight.to(ScalarType.Float64).view(1, _numGroups, perGroup) * rstd).view(batch, channels, 1, 1);
        var shift = bias.to(ScalarType.Float64).view(1, channels, 1, 1) - groupMean.expand(batch, _numGroups, perGroup)
            .reshape(batch, channels, 1, 1) * scale;
        return (scale.to(ScalarType.Float32).MoveToOuterDisposeScope(), shift.to(ScalarType.Float32).MoveToOuterDisposeScope());
    }

    /// <summary>Float32 elements widened at once for <see cref="ChannelMoments"/>: 1 MiB.</summary>
    private const long MomentChunkElements = 1L << 18;

    /// <summary>
    /// Elements per channel, and each channel's mean and sum of squared deviations over the whole map, [N, C] in float64:
    /// over chunks of rows widened to float32 (libtorch answers a bf16 map's moments in bf16, three significant digits),
    /// each chunk's by libtorch's vectorised sums, merged. A whole band widened at once would leave a band-sized freed
    /// block per band in the C heap, resident (docs/performance.md); libtorch's Welford variance is a serial loop, several
    /// times slower.
    /// </summary>
    private static (double Count, Tensor Mean, Tensor Squares) ChannelMoments(RowBands map)
    {
        (double Count, Tensor Mean, Tensor Squares)? moments = null;
        for (var i = 0; i < map.Count; i++)
        {
            var band = map[i];
            var (batch, channels, height, width) = (band.shape[0], band.shape[1], band.shape[2], band.shape[3]);
            var rowsPerChunk = Math.Clamp(MomentChunkElements / (batch * channels * width), 1, height);
            for (var start = 0L; start < height; start += rowsPerChunk)
            {
                using var scope = NewDisposeScope();
                var rows = Math.Min(rowsPerChunk, height - start);
                var chunk = band.narrow(2, start, rows).to(ScalarType.Float32);
                var mean = chunk.mean([2, 3]);
                var deviations = chunk - mean.view(batch, channels, 1, 1);
                var squares = deviations.mul_(deviations).sum([2, 3]);
                var (count, mean64, squares64) = ((double)rows * width, mean.to(ScalarType.Float64), squares.to(ScalarType.Float64));
                if (moments is { } m) (count, mean64, squares64) = Merge(m.Count, m.Mean, m.Squares, count, mean64, squares64);
                moments = (count, mean64.MoveToOuterDisposeScope(), squares64.MoveToOuterDisposeScope());
            }
        }
        return moments!.Value;
    }

    /// <summary>Two sets of moments as those of their union (Chan, Golub and LeVeque's pairwise update).</summary>
    private static (double Count, Tensor Mean, Tensor Squares) Merge(double countA, Tensor meanA, Tensor squaresA,
        double countB, Tensor meanB, Tensor squaresB)
    {
        var total = countA + countB;
        var delta = meanB - meanA;
        return (total, meanA + delta * (countB / total), squaresA + squaresB + delta.square() * (countA * countB / total));
    }
}
