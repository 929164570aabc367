using SdWeb.Engine.Devices;
using static TorchSharp.torch;

namespace SdWeb.Engine.Models.Layers;

/// <summary>
/// A feature map [N, C, H, W] held as horizontal bands of rows, each its own tensor, so that a layer reading it band by
/// band can free each band once the next has read the one row of it that a 3×3 convolution needs. A layer that turns a
/// map into a new one then holds at most a band more than the larger of the two, not both: at 512² the VAE decoder's
/// float32 maps are 128–256 MiB (docs/performance.md, "Decoding in row bands"). Owns its bands.
/// </summary>
internal sealed class RowBands : IDisposable
{
    private readonly Tensor?[] _bands;

    public RowBands(IReadOnlyList<Tensor> bands)
    {
        if (bands.Count == 0) throw new ArgumentException("A map has at least one band.", nameof(bands));
        _bands = [.. bands];
        Height = bands.Sum(b => b.shape[2]);
    }

    public int Count => _bands.Length;

    public long Height { get; }

    /// <summary>Band <paramref name="index"/>; throws once it has been released.</summary>
    public Tensor this[int index] =>
        _bands[index] ?? throw new InvalidOperationException($"Row band {index} was already released.");

    /// <summary>
    /// <paramref name="map"/> cut into <paramref name="count"/> bands of nearly equal height (fewer if the map has fewer
    /// rows), each a copy in the map's memory layout.
    /// </summary>
    public static RowBands Split(Tensor map, int count)
    {
        var height = map.shape[2];
        var bands = Math.Clamp(count, 1, (int)height);
        return new RowBands([.. Enumerable.Range(0, bands).Select(i =>
        {
            using var scope = NewDisposeScope();
            var (start, end) = (height * i / bands, height * (i + 1) / bands);
            var rows = map.narrow(2, start, end - start);
            return (rows.IsChannelsLast() ? rows.ToChannelsLast() : rows.contiguous()).MoveToOuterDisposeScope();
        })]);
    }

    /// <summary>
    /// Band <paramref name="index"/> with one row of each neighbour above and below it, [N, C, rows + 2, W], copied into
    /// <paramref name="buffer"/> (<see cref="NeighbourRowsBuffer"/>), of which it answers a view: one buffer serves every
    /// band of a pass, so the pass does not leave a trail of freed blocks of every size in the C heap. A row outside the
    /// map is a copy of the band's edge row, for the caller to overwrite with what padding means after it has transformed
    /// the rows (<see cref="ZeroOutsideRows"/>).
    /// </summary>
    public Tensor WithNeighbourRows(int index, Tensor buffer)
    {
        var band = this[index];
        var rows = band.shape[2];
        var target = buffer.narrow(2, 0, rows + 2);
        using (var above = index > 0 ? this[index - 1].narrow(2, this[index - 1].shape[2] - 1, 1) : band.narrow(2, 0, 1))
        using (var top = target.narrow(2, 0, 1))
            top.copy_(above);
        using (var middle = target.narrow(2, 1, rows))
            middle.copy_(band);
        using (var below = index < Count - 1 ? this[index + 1].narrow(2, 0, 1) : band.narrow(2, rows - 1, 1))
        using (var bottom = target.narrow(2, rows + 1, 1))
            bottom.copy_(below);
        return target;
    }

    /// <summary>A buffer for <see cref="WithNeighbourRows"/> of any band of this map, in its dtype and memory layout.</summary>
    public Tensor NeighbourRowsBuffer()
    {
        var band = this[0];
        var rows = Enumerable.Range(0, Count).Max(i => this[i].shape[2]) + 2;
        long[] shape = [band.shape[0], band.shape[1], rows, band.shape[3]];
        if (!band.IsChannelsLast()) return empty(shape, dtype: band.dtype, device: band.device);
        using var nhwc = empty([shape[0], shape[2], shape[3], shape[1]], dtype: band.dtype, device: band.device);
        return nhwc.permute(0, 3, 1, 2);
    }

    /// <summary>Zeroes the rows of a <see cref="WithNeighbourRows"/> result that lie outside the map (zero padding).</summary>
    public Tensor ZeroOutsideRows(Tensor withNeighbours, int index)
    {
        if (index == 0)
        {
            using var top = withNeighbours.narrow(2, 0, 1);
            top.zero_();
        }
        if (index == Count - 1)
        {
            using var bottom = withNeighbours.narrow(2, withNeighbours.shape[2] - 1, 1);
            bottom.zero_();
        }
        return withNeighbours;
    }

    /// <summary>Frees band <paramref name="index"/> (no later read may need it) and hands its memory back to the OS.</summary>
    public void Release(int index)
    {
        if (_bands[index] is not { } band) return;
        band.Dispose();
        _bands[index] = null;
        // After a generation's steps glibc serves band-sized blocks from the holes the UNet left in its heaps, where a
        // freed band would stay resident under the next ones: ~250 MiB at 512² (docs/performance.md, "A whole generation").
        HostMemory.ReleaseFreed();
    }

    /// <summary>Hands band <paramref name="index"/> to the caller, who then owns it.</summary>
    public Tensor Take(int index)
    {
        var band = this[index];
        _bands[index] = null;
        return band;
    }

    /// <summary>The whole map as one tensor (a copy), in the bands' memory layout.</summary>
    public Tensor Join() => cat([.. Enumerable.Range(0, Count).Select(i => this[i])], dim: 2);

    public void Dispose()
    {
        for (var i = 0; i < _bands.Length; i++) Release(i);
    }
}
