using SdWeb.Engine.Imaging;
using SdWeb.Engine.Pipelines;
using SdWeb.Tests.Pipelines;
using SdWeb.Tests.Support;
using Xunit.Abstractions;

namespace SdWeb.Tests.Features;

/// <summary>Runs a features/ case through the pipeline as the CLI does and checks it against the golden tensors and PNGs.</summary>
internal static class FeatureGoldenRun
{
    public static void AssertMatches(StableDiffusionPipeline pipeline, FeatureCase goldenCase, GenerationRequest request, ITestOutputHelper output)
    {
        using var initImage = request.InitImage;
        using var golden = Golden.OpenCase("features", goldenCase.TensorsFile);
        using var run = pipeline.Run(request, goldenCase.Seed, null, CancellationToken.None);

        using (var latents = golden.Read("latents_final"))
        {
            using var peak = latents.abs().max();
            var relative = TensorAssert.Close(latents, run.LatentsFinal, 1e-4 * peak.item<float>(), "latents_final") / peak.item<float>();
            output.WriteLine($"{goldenCase.Name} latents_final: max diff relative to max {relative:E3}");
        }
        using (var images = golden.Read("images"))
            output.WriteLine($"{goldenCase.Name} images: max diff {TensorAssert.Close(images, run.Images, 1e-4, "images"):E3}");

        var result = pipeline.ToResult(run, request, goldenCase.Seed, TimeSpan.Zero);
        using var dir = new TempDir();
        var written = GenerationPngs.Write(result, dir.Path);
        Assert.Equal(goldenCase.PngFiles.Count, written.Count);
        for (int i = 0; i < written.Count; i++)
        {
            var (maxLevel, offFraction) = PipelineGoldenTests.ComparePng(Golden.PathOf("features", goldenCase.PngFiles[i]), written[i]);
            output.WriteLine($"{goldenCase.Name} png {i}: max level diff {maxLevel}, pixels off by >1: {offFraction:P3}");
            Assert.True(offFraction <= 0.001, $"{offFraction:P3} of the pixels differ by more than one level (max {maxLevel})");
        }
        foreach (var image in result.Images) image.Image.Dispose();
    }
}
