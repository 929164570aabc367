using static TorchSharp.torch;

namespace SdWeb.Engine.Models.Vae;

/// <summary>
/// diffusers' AutoencoderKL tiling (enable_vae_tiling: tiled_decode, tiled_encode) for images above one tile (512² pixels,
/// 64² latents): the input is cut into tiles overlapping by a quarter, each runs through the model alone — so the activations
/// held are one tile's, whatever the image size — and each output tile is cross-faded linearly into its upper and left
/// neighbours over a quarter tile before the tiles are cropped and stitched. As in diffusers, GroupNorm statistics are
/// each tile's own; the cross-fade is what keeps the seams invisible.
/// </summary>
internal static class VaeTiling
{
    /// <summary>Image tiles are 512² pixels, SD's training size.</summary>
    public const int ImageTile = 512;
    private const double Overlap = 0.25;

    public static bool Needed(Tensor input, int inputTile) => input.shape[2] > inputTile || input.shape[3] > inputTile;

    /// <summary>
    /// <paramref name="run"/> on every tile of <paramref name="input"/> ([B, C, H, W], tiles of <paramref name="inputTile"/>),
    /// its outputs (tiles of <paramref name="outputTile"/>) blended and stitched into one tensor.
    /// </summary>
    public static Tensor Map(Tensor input, int inputTile, int outputTile, Func<Tensor, Tensor> run) =>
        Stitch(RunTiles(input, inputTile, run), outputTile);

    /// <summary>Rows of <paramref name="run"/>'s outputs on the overlapping tiles of <paramref name="input"/>, top-left first.</summary>
    internal static List<List<Tensor>> RunTiles(Tensor input, int inputTile, Func<Tensor, Tensor> run)
    {
        var stride = (long)(inputTile * (1 - Overlap));
        var rows = new List<List<Tensor>>();
        for (long top = 0; top < input.shape[2]; top += stride)
        {
            var row = new List<Tensor>();
            for (long left = 0; left < input.shape[3]; left += stride)
            {
                var tile = input.narrow(2, top, Math.Min(inputTile, input.shape[2] - top))
                    .narrow(3, left, Math.Min(inputTile, input.shape[3] - left));
                row.Add(run(tile).contiguous());
            }
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>Output tiles (<see cref="RunTiles"/>) cross-faded in place into their neighbours, cropped and stitched.</summary>
    internal static Tensor Stitch(List<List<Tensor>> rows, int outputTile)
    {
        var blend = (long)(outputTile * Overlap);
        // In place and in this order, as diffusers does: a tile blends with neighbours that are already blended.
        for (var i = 0; i < rows.Count; i++)
            for (var j = 0; j < rows[i].Count; j++)
            {
                if (i > 0) CrossFade(rows[i - 1][j], rows[i][j], dim: 2, blend);
                if (j > 0) CrossFade(rows[i][j - 1], rows[i][j], dim: 3, blend);
            }
        return Crop(rows, outputTile);
    }

    /// <summary>Each tile cut to the stride of the tiling (its part of the image), the parts concatenated.</summary>
    internal static Tensor Crop(List<List<Tensor>> rows, int outputTile)
    {
        var keep = outputTile - (long)(outputTile * Overlap);
        Tensor Part(Tensor tile) => tile.narrow(2, 0, Math.Min(keep, tile.shape[2])).narrow(3, 0, Math.Min(keep, tile.shape[3]));
        var stitchedRows = rows.Select(row => cat(row.Select(Part).ToList(), 3)).ToList();
        return cat(stitchedRows, 2);
    }

    /// <summary>The first rows (or columns) of <paramref name="next"/> fade in from the last ones of <paramref name="previous"/>.</summary>
    private static void CrossFade(Tensor previous, Tensor next, int dim, long blend)
    {
        var extent = Math.Min(Math.Min(previous.shape[dim], next.shape[dim]), blend);
        var shape = new long[] { 1, 1, 1, 1 };
        shape[dim] = extent;
        var weight = arange(extent, dtype: next.dtype, device: next.device).div_(extent).view(shape);
        var overlap = next.narrow(dim, 0, extent);
        overlap.mul_(weight).add_(previous.narrow(dim, previous.shape[dim] - extent, extent) * (1 - weight));
    }
}
