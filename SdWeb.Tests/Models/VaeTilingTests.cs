using SdWeb.Engine.Devices;
using SdWeb.Engine.Models;
using SdWeb.Engine.Models.Vae;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace SdWeb.Tests.Models;

/// <summary>
/// Tiled VAE decode and encode above 512² (diffusers' enable_vae_tiling): the stitching geometry is exact, and a real
/// 768×768 decode of SD 1.5-shaped random weights stays close to the untiled one, with no step at the tile seams.
/// </summary>
[Layer(Layer.Engine)]
public sealed class VaeTilingTests(ITestOutputHelper output)
{
    /// <summary>In [0, 1] image units: a line stepping by half a grey level on average is invisible.</summary>
    private const double MaxSeamStep = 0.5 / 255;

    /// <summary>In [0, 1] image units: each tile normalises with its own GroupNorm statistics (as in diffusers), a small shift.</summary>
    private const double MaxMeanDifference = 0.02;

    [Theory]
    [InlineData(96, 96)]
    [InlineData(80, 128)]
    [InlineData(64, 72)]
    public void TilesOfAPointwiseMapStitchBackExactly(int height, int width)
    {
        // Nearest ×8 upsampling sees no neighbours, so each tile's output is exactly its part of the whole one and every
        // cross-fade blends equal values: any misplaced tile, crop or fade shows as a difference.
        manual_seed(13);
        using var latents = randn(1, 4, height, width);
        Tensor Upsample(Tensor t) => nn.functional.interpolate(t, scale_factor: [8, 8], mode: InterpolationMode.Nearest);
        using var whole = Upsample(latents);
        using var tiled = VaeTiling.Map(latents, 64, VaeTiling.ImageTile, Upsample);
        Assert.Equal(whole.shape, tiled.shape);
        Assert.True(whole.allclose(tiled, rtol: 0, atol: 1e-6), "tiles stitched back differ from the whole");
    }

    [Fact]
    public void Sd15Decode768IsCloseToUntiledWithoutSeams()
    {
        manual_seed(768);
        using var vae = new AutoencoderKL(new AutoencoderKLConfig(), ModelPlacement.CpuFloat32);
        using var latents = randn(1, 4, 96, 96) * 5.5; // unit-variance latents divided by SD's scaling factor
        using var tiled = Image(vae.Decode(latents));
        using var whole = Image(vae.Decode(latents, allowTiles: false));

        using var difference = tiled - whole;
        using var absolute = difference.abs();
        var maxDifference = absolute.max().item<float>();
        var meanDifference = absolute.mean().item<float>();
        var seamStep = Math.Max(LargestStep(difference, 2), LargestStep(difference, 3));
        output.WriteLine($"768x768 tiled vs untiled: max |Δ| {maxDifference:F4}, mean |Δ| {meanDifference:F5}, largest step of Δ {seamStep:F5}");
        Assert.True(seamStep <= MaxSeamStep, $"a seam: the tiled−untiled difference steps by {seamStep:F4} between two rows or columns");
        Assert.True(meanDifference <= MaxMeanDifference, $"tiled decode is {meanDifference:F4} from the untiled one on average");
    }

    /// <summary>[-1, 1] → [0, 1], as the pipeline turns a decode into pixels.</summary>
    private static Tensor Image(Tensor decoded)
    {
        using (decoded) return (decoded / 2 + 0.5).clamp(0, 1);
    }

    /// <summary>
    /// The largest mean |step| of the tiled−untiled difference between neighbouring rows (dim 2) or columns (dim 3): a seam
    /// is a line where the tiled image jumps away from the untiled one; a cross-fade spreads any offset over 128 lines.
    /// </summary>
    private static double LargestStep(Tensor difference, int dim)
    {
        using var scope = NewDisposeScope();
        var length = difference.shape[dim] - 1;
        var steps = (difference.narrow(dim, 1, length) - difference.narrow(dim, 0, length)).abs();
        var otherDims = new long[] { 0, 1, 2, 3 }.Where(d => d != dim).ToArray();
        return steps.mean(otherDims).max().item<float>();
    }
}
