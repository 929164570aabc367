using SdWeb.Tests.Pipelines;
using SdWeb.Tests.Support;
using Xunit.Abstractions;

namespace SdWeb.Tests.Features;

/// <summary>img2img with LMS below strength 1 (issue 10's "Index was out of range"), against diffusers 0.24.</summary>
[Layer(Layer.Engine)]
public sealed class LmsImg2ImgGoldenTests(TinySdPipelineFixture fixture, ITestOutputHelper output) : IClassFixture<TinySdPipelineFixture>
{
    [Theory]
    [InlineData("lms_img2img_s035")]
    [InlineData("lms_img2img_s06")]
    [InlineData("lms_img2img_s06_64x96")]
    public void MatchesDiffusers(string caseName)
    {
        var goldenCase = FeatureCase.Named(caseName);
        var request = goldenCase.ToA1111Request();
        using (var golden = Golden.OpenCase("features", goldenCase.TensorsFile))
        using (var timesteps = golden.Read("timesteps"))
            Assert.Equal(goldenCase.Json.GetProperty("img2img_steps_run").GetInt32(), (int)timesteps.shape[0]);
        FeatureGoldenRun.AssertMatches(fixture.Pipeline, goldenCase, request, output);
    }
}
