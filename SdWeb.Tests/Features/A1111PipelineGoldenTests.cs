using SdWeb.Engine.Pipelines;
using SdWeb.Tests.Pipelines;
using SdWeb.Tests.Support;
using Xunit.Abstractions;

namespace SdWeb.Tests.Features;

/// <summary>
/// The a1111_* and clip_skip2_a1111 cases (diffusers fed AUTOMATIC1111's conditioning; a1111_unpadded_break as
/// A1111's separate cond/uncond passes) through the pipeline with the A1111 prompt syntax.
/// </summary>
[Layer(Layer.Engine)]
public sealed class A1111PipelineGoldenTests(TinySdPipelineFixture fixture, ITestOutputHelper output) : IClassFixture<TinySdPipelineFixture>
{
    [Theory]
    [InlineData("a1111_weighted_3chunk")]
    [InlineData("a1111_break")]
    [InlineData("a1111_weighted_negative")]
    [InlineData("a1111_clip_skip2")]
    [InlineData("a1111_prompt_edit")]
    [InlineData("a1111_unpadded_break")]
    [InlineData("clip_skip2_a1111")]
    public void MatchesA1111Conditioning(string caseName)
    {
        var goldenCase = FeatureCase.Named(caseName);
        var json = goldenCase.Json;
        var request = goldenCase.ToA1111Request() with
        {
            PromptSyntax = PromptSyntax.A1111,
            ClipSkip = json.GetProperty("a1111_clip_skip").GetInt32(),
            // Every case but a1111_unpadded_break was made with A1111's "pad prompt/negative prompt" on.
            PadCondUncond = !(json.TryGetProperty("cond_uncond", out var mode) && mode.GetString() == "separate_passes"),
        };
        FeatureGoldenRun.AssertMatches(fixture.Pipeline, goldenCase, request, output);
    }

    /// <summary>Clip skip on the plain path: prompt and negative alike, so clip_skip2_a1111 (not diffusers' clip_skip argument).</summary>
    [Fact]
    public void PlainSyntaxClipSkipsPromptAndNegative()
    {
        var goldenCase = FeatureCase.Named("clip_skip2_a1111");
        var request = goldenCase.ToA1111Request() with { ClipSkip = 2 };
        Assert.Equal(PromptSyntax.Plain, request.PromptSyntax);
        using (var golden = Golden.OpenCase("features", goldenCase.TensorsFile))
        using (var embeds = golden.Read("prompt_embeds"))
        using (var run = fixture.Pipeline.Run(request with { Steps = 1 }, goldenCase.Seed, null, CancellationToken.None))
            output.WriteLine($"prompt_embeds: max diff {TensorAssert.Close(embeds, run.PromptEmbeds, 1e-5, "prompt_embeds"):E3}");
        FeatureGoldenRun.AssertMatches(fixture.Pipeline, goldenCase, request, output);
    }
}
