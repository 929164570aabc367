using SdWeb.Engine.Pipelines;
using SdWeb.Engine.Pipelines.Tiling;
using SdWeb.Tests.Models;
using SdWeb.Tests.Support;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace SdWeb.Tests.Pipelines;

/// <summary>
/// AUTOMATIC1111's tiling. With every convolution padding circularly the UNet and the VAE commute with a circular shift
/// (of a multiple of their downsampling factor): the property that makes the image wrap. Zero padding breaks it at the
/// edges, so the same check tells the two apart.
/// </summary>
[Layer(Layer.Engine)]
public sealed class TilingTests(TinySdPipelineFixture fixture, ITestOutputHelper output) : IClassFixture<TinySdPipelineFixture>
{
    private static readonly GenerationRequest Small = new()
    {
        Prompts = ["a brick wall texture"], Sampler = "euler_a", Steps = 4, Width = 64, Height = 64, Seed = 11,
    };

    [Fact]
    public void CircularVaeDecoderCommutesWithACircularShift()
    {
        using var vae = VaeTests.LoadTinyVae();
        using var noGrad = no_grad();
        using var latents = randn([1, 4, 8, 12], generator: new Generator(5));
        using var shifted = latents.roll(3, 3);

        double circular;
        using (CircularConvolutions.Enable(() => [vae]))
            circular = ShiftError(vae.Decode(latents), vae.Decode(shifted), 3 * 8);
        double zeros = ShiftError(vae.Decode(latents), vae.Decode(shifted), 3 * 8);

        output.WriteLine($"decode(roll z) vs roll(decode z): circular {circular:E3}, zero padding {zeros:E3}");
        Assert.True(circular < 1e-4, $"circular padding: max error {circular:E3}");
        Assert.True(zeros > 1e-2, $"zero padding should not commute with the shift (max error {zeros:E3})");
    }

    [Fact]
    public void CircularUNetCommutesWithAShiftOfItsDownsamplingFactor()
    {
        using var unet = UNetTests.LoadTinyUNet();
        using var noGrad = no_grad();
        using var sample = randn([1, 4, 16, 16], generator: new Generator(6));
        using var context = randn([1, 77, 32], generator: new Generator(7));
        using var timestep = tensor(500f);
        using var shifted = sample.roll(8, 3);

        double circular;
        using (CircularConvolutions.Enable(() => [unet]))
            circular = ShiftError(unet.forward(sample, timestep, context), unet.forward(shifted, timestep, context), 8);
        double zeros = ShiftError(unet.forward(sample, timestep, context), unet.forward(shifted, timestep, context), 8);

        output.WriteLine($"unet(roll x) vs roll(unet x): circular {circular:E3}, zero padding {zeros:E3}");
        Assert.True(circular < 1e-4, $"circular padding: max error {circular:E3}");
        Assert.True(zeros > 1e-3, $"zero padding should not commute with the shift (max error {zeros:E3})");
    }

    [Fact]
    public void TiledImageWrapsAroundItsEdges()
    {
        using var plain = fixture.Pipeline.Generate(Small, null, CancellationToken.None);
        using var tiled = fixture.Pipeline.Generate(Small with { Tiling = true }, null, CancellationToken.None);

        var (plainSeam, plainInterior) = Seams(plain.Images[0].Image);
        var (tiledSeam, tiledInterior) = Seams(tiled.Images[0].Image);

        output.WriteLine($"edge-to-edge vs neighbour difference: plain {plainSeam:F2} / {plainInterior:F2}, tiled {tiledSeam:F2} / {tiledInterior:F2}");
        Assert.True(tiled.Parameters.Tiling);
        // Tiled, the last column continues into the first as any column into the next; not tiled, the edges are unrelated.
        Assert.True(tiledSeam < 1.5 * tiledInterior, $"tiled seam {tiledSeam:F2} vs neighbours {tiledInterior:F2}");
        Assert.True(plainSeam > tiledSeam, $"plain seam {plainSeam:F2} should exceed the tiled one {tiledSeam:F2}");
    }

    [Fact]
    public void UntiledJobAfterATiledOneMakesTheSamePixelsAsBefore()
    {
        using var before = fixture.Pipeline.Generate(Small, null, CancellationToken.None);
        using (fixture.Pipeline.Generate(Small with { Tiling = true, Seed = 12 }, null, CancellationToken.None)) { }
        using var after = fixture.Pipeline.Generate(Small, null, CancellationToken.None);

        Assert.False(after.Parameters.Tiling);
        Assert.Equal(Pixels(before.Images[0].Image), Pixels(after.Images[0].Image));
    }

    /// <summary>max |f(roll x) − roll(f x)| for a shift of <paramref name="pixels"/> along the width.</summary>
    private static double ShiftError(Tensor ofOriginal, Tensor ofShifted, long pixels)
    {
        using (ofOriginal)
        using (ofShifted)
        using (var rolled = ofOriginal.roll(pixels, 3))
        using (var max = (rolled - ofShifted).abs().max())
            return max.item<float>();
    }

    /// <summary>Mean |difference| between the last and first column and row, and between neighbouring columns and rows.</summary>
    private static (double Seam, double Interior) Seams(Image<Rgb24> image)
    {
        double seam = 0, interior = 0;
        int seams = 0, neighbours = 0;
        for (int y = 0; y < image.Height; y++)
            for (int x = 0; x < image.Width; x++)
            {
                var here = image[x, y];
                var right = image[(x + 1) % image.Width, y];
                var below = image[x, (y + 1) % image.Height];
                bool edgeX = x == image.Width - 1, edgeY = y == image.Height - 1;
                (seam, seams, interior, neighbours) = edgeX
                    ? (seam + Distance(here, right), seams + 1, interior, neighbours)
                    : (seam, seams, interior + Distance(here, right), neighbours + 1);
                (seam, seams, interior, neighbours) = edgeY
                    ? (seam + Distance(here, below), seams + 1, interior, neighbours)
                    : (seam, seams, interior + Distance(here, below), neighbours + 1);
            }
        return (seam / seams, interior / neighbours);
    }

    private static double Distance(Rgb24 a, Rgb24 b) => (Math.Abs(a.R - b.R) + Math.Abs(a.G - b.G) + Math.Abs(a.B - b.B)) / 3.0;

    private static byte[] Pixels(Image<Rgb24> image)
    {
        var bytes = new byte[image.Width * image.Height * 3];
        image.CopyPixelDataTo(bytes);
        return bytes;
    }
}
