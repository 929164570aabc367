using SdWeb.Engine.Imaging;
using SdWeb.Tests.Pipelines;
using SdWeb.Tests.Support;
using TorchSharp;
using Xunit.Abstractions;

namespace SdWeb.Tests.Features;

/// <summary>
/// features/ sections 8 and 9 (diffusers 0.24 + A1111's rng.py, CPU fp32) through the CLI's path: the request the CLI
/// builds → the pipeline's run → its result → the PNG writer.
/// </summary>
[Layer(Layer.Engine)]
public sealed class SamplerAndVariationGoldenTests(TinySdPipelineFixture fixture, ITestOutputHelper output) : IClassFixture<TinySdPipelineFixture>
{
    [Theory]
    [InlineData("dpmpp_2m_sde_karras")]
    [InlineData("euler_karras")]
    [InlineData("lms_karras")]
    [InlineData("euler_karras_linspace")]
    [InlineData("variation_s03")]
    [InlineData("variation_s08")]
    [InlineData("variation_batch2_s05")]
    public void MatchesTheGolden(string caseName)
    {
        var goldenCase = FeatureCase.Named(caseName);
        var request = goldenCase.ToRequest();
        using var golden = Golden.OpenCase("features", goldenCase.TensorsFile);
        using var run = fixture.Pipeline.Run(request, goldenCase.Seed, null, CancellationToken.None);

        using (var timesteps = golden.Read("timesteps"))
            Report("timesteps", TensorAssert.Close(timesteps.to(torch.ScalarType.Float32), run.Timesteps, 0, "timesteps"));
        // The slerp's acos/sin may round differently from torch 2's; the plain seed's noise is bit-exact.
        using (var noise = golden.Read("initial_noise"))
            Report("initial_noise", TensorAssert.Close(noise, run.InitialNoise!, request.SubseedStrength > 0 ? 1e-5 : 0, "initial_noise"));
        using (var latents = golden.Read("latents_final"))
        {
            using var peak = latents.abs().max();
            var relative = TensorAssert.Close(latents, run.LatentsFinal, 1e-4 * peak.item<float>(), "latents_final") / peak.item<float>();
            Report("latents_final (relative to max)", relative);
        }
        using (var images = golden.Read("images"))
            Report("images", TensorAssert.Close(images, run.Images, 1e-4, "images"));

        var result = fixture.Pipeline.ToResult(run, request, goldenCase.Seed, TimeSpan.Zero);
        using var dir = new TempDir();
        var written = GenerationPngs.Write(result, dir.Path);
        Assert.Equal(goldenCase.PngFiles.Count, written.Count);
        for (int i = 0; i < written.Count; i++)
        {
            var (maxLevel, offFraction) = PipelineGoldenTests.ComparePng(Golden.PathOf("features", goldenCase.PngFiles[i]), written[i]);
            output.WriteLine($"{caseName} png {i}: max level diff {maxLevel}, pixels off by >1: {offFraction:P3}");
            Assert.True(offFraction <= 0.001, $"{offFraction:P3} of the pixels differ by more than one level (max {maxLevel})");
        }
        foreach (var image in result.Images) image.Image.Dispose();
    }

    private void Report(string what, double value) => output.WriteLine($"{what}: max diff {value:E3}");
}
