using SdWeb.Engine.Devices;
using SdWeb.Engine.Loading.RandomModels;
using SdWeb.Engine.Models.Vae;
using SdWeb.Tests.Support;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace SdWeb.Tests.Models;

/// <summary>
/// Tiled VAE decode and encode above 512² (diffusers' enable_vae_tiling): the stitching geometry is exact, and a real
/// 768×768 decode of SD 1.5-shaped random weights stays close to the untiled one without visible seams.
/// </summary>
[Layer(Layer.Engine)]
public sealed class VaeTilingTests(ITestOutputHelper output)
{
    private const int LatentTile = 64;

    /// <summary>
    /// In [0, 1] image units: each tile normalises with its own GroupNorm statistics (as in diffusers), which shifts a tile's
    /// colours a little (measured: max 0.118, mean 0.0075).
    /// </summary>
    private const double MaxDifference = 0.15;

    /// <summary>
    /// The mean step of tiled − untiled across a tile border over the same mean across every other row or column: near 1
    /// when the border is indistinguishable from the rest of the difference's texture.
    /// </summary>
    private const double MaxSeamRatio = 1.5;

    [Theory]
    [InlineData(96, 96)]
    [InlineData(80, 128)]
    [InlineData(64, 72)]
    public void TilesOfAPointwiseMapStitchBackExactly(int height, int width)
    {
        // Nearest ×8 upsampling sees no neighbours, so each tile's output is exactly its part of the whole one and every
        // cross-fade blends equal values: any misplaced tile, crop or fade shows as a difference.
        using var random = new SeededRandom(13);
        using var latents = random.Randn(1, 4, height, width);
        Tensor Upsample(Tensor t) => nn.functional.interpolate(t, scale_factor: [8, 8], mode: InterpolationMode.Nearest);
        using var whole = Upsample(latents);
        using var tiled = VaeTiling.Map(latents, 64, VaeTiling.ImageTile, Upsample);
        Assert.Equal(whole.shape, tiled.shape);
        Assert.True(whole.allclose(tiled, rtol: 0, atol: 1e-6), "tiles stitched back differ from the whole");
    }

    [Fact]
    public void Sd15Decode768IsCloseToUntiledWithoutSeamsThatStitchingWithoutCrossFadeShows()
    {
        using var scope = NewDisposeScope();
        using var vae = RandomSd15Vae(seed: 768);
        using var generator = new Generator(768);
        // Unit-variance latents divided by SD's scaling factor, as the pipeline hands them over: 96² latents, 2×2 tiles.
        var latents = randn([1, 4, 96, 96], generator: generator) / vae.Config.ScalingFactor;

        var whole = Image(vae.Decode(latents, int.MaxValue));
        var tiles = VaeTiling.RunTiles(latents, LatentTile, tile => vae.Decode(tile, int.MaxValue));
        var withoutCrossFade = Image(VaeTiling.Crop(tiles, VaeTiling.ImageTile)); // before Stitch fades the tiles in place
        var tiled = Image(VaeTiling.Stitch(tiles, VaeTiling.ImageTile));

        var borders = new[] { VaeTiling.ImageTile * 3 / 4 }; // each tile keeps 384 pixels: one border across, one down
        var difference = (tiled - whole).abs();
        var maxDifference = difference.max().item<float>();
        var seamRatio = SeamRatio(tiled - whole, borders);
        var brokenRatio = SeamRatio(withoutCrossFade - whole, borders);
        output.WriteLine($"768x768 tiled vs untiled: max |Δ| {maxDifference:F4}, mean |Δ| {difference.mean().item<float>():F5}, " +
            $"seam ratio {seamRatio:F3}; without cross-fade: seam ratio {brokenRatio:F3}");
        Assert.True(maxDifference <= MaxDifference, $"tiled decode is up to {maxDifference:F4} from the untiled one");
        Assert.True(seamRatio <= MaxSeamRatio, $"a seam: the difference steps {seamRatio:F2}× as much at tile borders as elsewhere");
        Assert.True(brokenRatio > MaxSeamRatio, $"the metric misses the seams of tiles stitched without cross-fade ({brokenRatio:F2})");
    }

    /// <summary>The SD 1.5 VAE with weights drawn as <c>models create-random --preset sd15</c> draws them.</summary>
    internal static AutoencoderKL RandomSd15Vae(long seed, ModelPlacement? placement = null)
    {
        using var random = new SeededRandom((ulong)seed);
        return random.DrawAsRandomModel(new AutoencoderKL(RandomModelPreset.Sd15.Vae, placement ?? ModelPlacement.CpuFloat32));
    }

    /// <summary>[-1, 1] → [0, 1], as the pipeline turns a decode into pixels.</summary>
    private static Tensor Image(Tensor decoded) => (decoded / 2 + 0.5).clamp(0, 1);

    /// <summary>
    /// The larger, over rows and columns, of the mean |step| of <paramref name="difference"/> across the tile borders (the
    /// first line of each tile's part) over its mean |step| across all other lines.
    /// </summary>
    private static double SeamRatio(Tensor difference, IReadOnlyCollection<int> borders) =>
        new[] { 2, 3 }.Max(dim =>
        {
            using var scope = NewDisposeScope();
            var length = difference.shape[dim] - 1;
            var steps = (difference.narrow(dim, 1, length) - difference.narrow(dim, 0, length)).abs()
                .mean(new long[] { 0, 1, 2, 3 }.Where(d => d != dim).ToArray()).data<float>().ToArray();
            var atBorders = borders.Select(b => steps[b - 1]).ToList();
            var elsewhere = steps.Where((_, i) => !borders.Contains(i + 1)).ToList();
            return atBorders.Average() / elsewhere.Average();
        });
}
