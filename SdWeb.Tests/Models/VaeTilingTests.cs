using SdWeb.Engine.Models.Vae;
using static TorchSharp.torch;

namespace SdWeb.Tests.Models;

/// <summary>
/// Tiled VAE decode and encode above 512² (diffusers' enable_vae_tiling): the stitching geometry is exact.
/// </summary>
[Layer(Layer.Engine)]
public sealed class VaeTilingTests
{
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
}
