using SdWeb.Engine.Imaging;
using SdWeb.Engine.Pipelines;
using SdWeb.Tests.Pipelines;
using SdWeb.Tests.Support;
using TorchSharp;
using Xunit.Abstractions;

namespace SdWeb.Tests.Features;

/// <summary>
/// diffusers' StableDiffusionInpaintPipeline with a 4-channel model and A1111's hires fix as composed in features/cases.json,
/// through the engine's pipeline and PNG writer as the CLI runs them (9-channel: <see cref="Inpaint9ChannelGoldenTests"/>).
/// </summary>
[Layer(Layer.Engine)]
public sealed class InpaintHiresGoldenTests(TinySdPipelineFixture tinySd, ITestOutputHelper output) : IClassFixture<TinySdPipelineFixture>
{
    [Theory]
    [InlineData("inpaint_legacy_rect_s10")]
    [InlineData("inpaint_legacy_blob_s075")]
    [InlineData("hires_eulera_64to128")]
    [InlineData("hires_dpmpp2m_64to128")]
    public void MatchesTheGolden(string caseName)
    {
        var goldenCase = FeatureCase.Named(caseName);
        var request = FeatureGoldenRequests.For(goldenCase);
        var pipeline = tinySd.Pipeline;
        using var golden = Golden.OpenCase("features", goldenCase.TensorsFile);
        using var run = pipeline.Run(request, goldenCase.Seed, null, CancellationToken.None);

        using (var timesteps = golden.Read("timesteps"))
            Assert.Equal(timesteps.to(torch.ScalarType.Float32).data<float>().ToArray(), run.Timesteps.to(torch.ScalarType.Float32).data<float>().ToArray());
        // Everything measured and reported first, then asserted, so a failure still shows all the figures.
        using var expectedLatents = golden.Read("latents_final");
        using var peak = expectedLatents.abs().max();
        using var latentDiff = (expectedLatents - run.LatentsFinal).abs().max();
        double relative = latentDiff.item<float>() / peak.item<float>();
        using var expectedImages = golden.Read("images");
        using var imageDiff = (expectedImages - run.Images).abs().max();
        var result = pipeline.ToResult(run, request, goldenCase.Seed, TimeSpan.Zero);
        using var dir = new TempDir();
        var written = GenerationPngs.Write(result, dir.Path);
        var (maxLevel, offFraction) = PipelineGoldenTests.ComparePng(Golden.PathOf("features", goldenCase.PngFile), written[0]);
        output.WriteLine($"{caseName}: latents_final max diff {latentDiff.item<float>():E3} = {relative:E3} of the peak {peak.item<float>():F2}; " +
                         $"images max diff {imageDiff.item<float>():E3}; png max level diff {maxLevel}, pixels off by >1: {offFraction:P3}");

        Assert.True(relative <= 1e-4, $"latents_final differ by {relative:E3} of their largest magnitude (limit 1e-4)");
        Assert.True(offFraction <= 0.001, $"{offFraction:P3} of the pixels differ by more than one level (max {maxLevel})");
        foreach (var image in result.Images) image.Image.Dispose();
        request.InitImage?.Dispose();
        request.Mask?.Dispose();
    }
}
