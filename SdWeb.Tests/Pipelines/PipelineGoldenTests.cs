using SdWeb.Engine.Imaging;
using SdWeb.Engine.Pipelines;
using SdWeb.Tests.Support;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using Xunit.Abstractions;

namespace SdWeb.Tests.Pipelines;

/// <summary>
/// Every case of pipelines/cases.json (made with diffusers 0.24 on CPU fp32) through the CLI's path:
/// PipelineFactory.Load → the pipeline's run → its result → the PNG writer.
/// </summary>
public sealed class PipelineGoldenTests(TinySdPipelineFixture fixture, ITestOutputHelper output) : IClassFixture<TinySdPipelineFixture>
{
    public static IEnumerable<object[]> Cases() => PipelineGoldenCase.Names();

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesDiffusers(string caseName)
    {
        var goldenCase = PipelineGoldenCase.Named(caseName);
        var request = goldenCase.ToRequest();
        using var initImage = request.InitImage;
        using var golden = Golden.OpenCase("pipelines", goldenCase.TensorsFile);
        using var run = fixture.Pipeline.Run(request, goldenCase.Seed, null, CancellationToken.None);

        using (var embeds = golden.Read("prompt_embeds"))
            Report("prompt_embeds", TensorAssert.Close(embeds, run.PromptEmbeds, 1e-5, "prompt_embeds"));
        using (var timesteps = golden.Read("timesteps"))
            Report("timesteps", TensorAssert.Close(timesteps.to(torch.ScalarType.Float32), run.Timesteps, 0, "timesteps"));
        if (golden.Contains("initial_noise"))
        {
            using var noise = golden.Read("initial_noise");
            Report("initial_noise", TensorAssert.Close(noise, run.InitialNoise!, 0, "initial_noise"));
        }

        using (var latents = golden.Read("latents_final"))
        {
            using var peak = latents.abs().max();
            var relative = TensorAssert.Close(latents, run.LatentsFinal, 1e-4 * peak.item<float>(), "latents_final") / peak.item<float>();
            Report("latents_final (relative to max)", relative);
        }
        if (!goldenCase.Omits("decoded_raw"))
        {
            using var decoded = golden.Read("decoded_raw");
            Report("decoded_raw", TensorAssert.Close(decoded, run.DecodedRaw, 1e-4, "decoded_raw"));
        }
        using (var images = golden.Read("images"))
            Report("images", TensorAssert.Close(images, run.Images, 1e-4, "images"));

        var result = fixture.Pipeline.ToResult(run, request, goldenCase.Seed, TimeSpan.Zero);
        using var dir = new TempDir();
        var written = GenerationPngs.Write(result, dir.Path);
        Assert.Equal(goldenCase.PngFiles.Count, written.Count);
        for (int i = 0; i < written.Count; i++)
        {
            var (maxLevel, offFraction) = ComparePng(Golden.PathOf("pipelines", goldenCase.PngFiles[i]), written[i]);
            output.WriteLine($"{caseName} png {i}: max level diff {maxLevel}, pixels off by >1: {offFraction:P3}");
            Assert.True(offFraction <= 0.001, $"{offFraction:P3} of the pixels differ by more than one level (max {maxLevel})");
        }
        foreach (var image in result.Images) image.Image.Dispose();
    }

    [Fact]
    public void TheSameRequestTwiceGivesByteIdenticalPngs()
    {
        var request = PipelineGoldenCase.Named("c_eulera_negative").ToRequest();
        byte[] Png()
        {
            var result = fixture.Pipeline.Generate(request, null, CancellationToken.None);
            using var dir = new TempDir();
            var bytes = File.ReadAllBytes(GenerationPngs.Write(result, dir.Path)[0]);
            result.Images[0].Image.Dispose();
            return bytes;
        }
        Assert.Equal(Png(), Png());
    }

    /// <summary>The largest per-channel level difference and the fraction of pixels with a channel off by more than one.</summary>
    internal static (int MaxLevel, double OffFraction) ComparePng(string expectedPath, string actualPath)
    {
        using var expected = Image.Load<Rgb24>(expectedPath);
        using var actual = Image.Load<Rgb24>(actualPath);
        Assert.Equal((expected.Width, expected.Height), (actual.Width, actual.Height));
        var e = new byte[expected.Width * expected.Height * 3];
        var a = new byte[e.Length];
        expected.CopyPixelDataTo(e);
        actual.CopyPixelDataTo(a);
        int max = 0, off = 0;
        for (int p = 0; p < e.Length; p += 3)
        {
            int worst = 0;
            for (int c = 0; c < 3; c++) worst = Math.Max(worst, Math.Abs(e[p + c] - a[p + c]));
            max = Math.Max(max, worst);
            if (worst > 1) off++;
        }
        return (max, off / (double)(e.Length / 3));
    }

    private void Report(string what, double value) => output.WriteLine($"{what}: max diff {value:E3}");
}
