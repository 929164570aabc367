using SdWeb.Engine.Loading.SafeTensors;
using SdWeb.Engine.Pipelines;
using SdWeb.Engine.Prompts;
using SdWeb.Tests.Pipelines;
using SdWeb.Tests.Support;
using Xunit.Abstractions;

namespace SdWeb.Tests.Features;

/// <summary>
/// ti_* cases with the embedding file given to the request: the A1111 syntax puts its vectors where the trigger word is,
/// weighted or not.
/// </summary>
[Layer(Layer.Engine)]
public sealed class TextualInversionGoldenTests(TinySdPipelineFixture fixture, ITestOutputHelper output) : IClassFixture<TinySdPipelineFixture>
{
    [Theory]
    [InlineData("ti_tiny_style")]
    [InlineData("ti_weighted_a1111")]
    public void MatchesWithTheEmbedding(string caseName)
    {
        var goldenCase = FeatureCase.Named(caseName);
        var request = goldenCase.ToA1111Request() with
        {
            PromptSyntax = PromptSyntax.A1111,
            Embeddings = [Golden.PathOf("features", "embeddings", "tiny-style.safetensors")],
        };
        FeatureGoldenRun.AssertMatches(fixture.Pipeline, goldenCase, request, output);
    }
}
