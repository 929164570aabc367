using SdWeb.Engine.Pipelines.Previews;
using TorchSharp;

namespace SdWeb.Tests.Pipelines;

[Layer(Layer.Engine)]
public class LatentPreviewerTests
{
    // The SD1 latent → RGB factors of the brief, typed here independently of the code under test.
    private static readonly double[,] Factors =
    {
        { 0.3512, 0.2297, 0.3227 }, { 0.3250, 0.4974, 0.2350 }, { -0.2829, 0.1762, 0.2721 }, { -0.2120, -0.2616, -0.7177 },
    };

    [Fact]
    public void PreviewMatchesAPlainLoop()
    {
        const int h = 5, w = 7;
        using var g = new torch.Generator(3);
        using var latents = torch.randn([2, 4, h, w], generator: g) * 2;
        var values = latents.data<float>().ToArray();

        using var previewer = new LatentPreviewer(torch.CPU);
        var preview = previewer.Preview(latents[0]);

        Assert.Equal((w, h, false), (preview.Width, preview.Height, preview.IsFullDecode));
        int mismatches = 0;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                for (int c = 0; c < 3; c++)
                {
                    double sum = 0;
                    for (int k = 0; k < 4; k++) sum += values[(k * h + y) * w + x] * Factors[k, c];
                    double expected = Math.Round(Math.Clamp((sum + 1) / 2, 0, 1) * 255);
                    int actual = preview.Rgb[(y * w + x) * 3 + c];
                    Assert.True(Math.Abs(actual - expected) <= 1, $"pixel ({x},{y}) channel {c}: {actual} vs {expected}");
                    if (actual != expected) mismatches++;
                }
        Assert.True(mismatches <= 2, $"{mismatches} values differ by one level (float32 vs float64 rounding only)");
    }
}
