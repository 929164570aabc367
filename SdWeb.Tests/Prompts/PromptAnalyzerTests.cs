using SdWeb.Engine.Loading;
using SdWeb.Engine.Prompts;
using SdWeb.Tests.Support;
using SdWeb.Tests.Tokenization;

namespace SdWeb.Tests.Prompts;

/// <summary>The prompt analysis the web form and the CLI use, against transformers' CLIPTokenizer goldens.</summary>
[Layer(Layer.Engine)]
public class PromptAnalyzerTests
{
    public static TheoryData<string> Models => [Golden.TinySdFolder, Golden.TinySdCheckpoint];

    [Theory]
    [MemberData(nameof(Models))]
    public void TheModelsTokenizerWithoutOpeningTheModelGivesTheGoldenIdsAndCounts(string model)
    {
        var analyzer = PromptAnalyzer.ForTokenizerOf(model);
        foreach (var golden in TokenizerGoldenCase.All)
        {
            var tokens = analyzer.Analyze(golden.Prompt);
            Assert.Equal(golden.InputIds, tokens.InputIds);
            Assert.Equal(golden.UntruncatedInputIds.Length - 2, tokens.TokenCount);
            Assert.Equal(Math.Max(0, golden.UntruncatedInputIds.Length - 77), tokens.TruncatedCount);
        }
    }

    /// <summary>
    /// The prompt box's count is A1111's: the longest scheduled text's token count and its chunks' room, as recorded
    /// per text in prompt_syntax.json (prompts using an embedding, whose vectors count as tokens, and p24, tokenized there
    /// without ftfy, are left out).
    /// </summary>
    [Theory]
    [MemberData(nameof(PromptSyntaxGolden.PromptIds), MemberType = typeof(PromptSyntaxGolden))]
    public void TheChunkedCountIsTheLongestScheduledTextsAsA1111CountsIt(string id)
    {
        var entry = PromptSyntaxGolden.Entry(id);
        var texts = entry["a1111_conditioning"]!.AsArray().SelectMany(c => c!["texts"]!.AsArray()).ToList();
        bool usesEmbedding = texts.Any(t => t!["chunks"]!.AsArray().Any(c => c!["fixes"]!.AsArray().Count > 0));
        if (id == "p24" || usesEmbedding) return;
        var longest = texts.MaxBy(t => t!["token_count"]!.GetValue<int>())!;
        int steps = PromptSyntaxGoldenSteps();

        var count = PromptAnalyzer.ForTokenizerOf(Golden.TinySdFolder).CountChunked(entry["prompt"]!.GetValue<string>(), steps);

        Assert.Equal((longest["token_count"]!.GetValue<int>(), longest["target_token_count"]!.GetValue<int>()), (count.Tokens, count.Capacity));
    }

    /// <summary>
    /// The prompt box's chunk breaks (from the same call as the count) are those of A1111's chunker: as many chunks as prompt_syntax.json records for the
    /// longest text, each with the tokens it records (its ids before the EOS padding), ending in those tokens' words.
    /// </summary>
    [Theory]
    [MemberData(nameof(PromptSyntaxGolden.PromptIds), MemberType = typeof(PromptSyntaxGolden))]
    public void ChunkBreaksAreTheGoldenChunksOfTheLongestText(string id)
    {
        var entry = PromptSyntaxGolden.Entry(id);
        var texts = entry["a1111_conditioning"]!.AsArray().SelectMany(c => c!["texts"]!.AsArray()).ToList();
        bool usesEmbedding = texts.Any(t => t!["chunks"]!.AsArray().Any(c => c!["fixes"]!.AsArray().Count > 0));
        if (id == "p24" || usesEmbedding) return;
        var longest = texts.MaxBy(t => t!["token_count"]!.GetValue<int>())!;
        var goldenChunks = longest["chunks"]!.AsArray()
            .Select(c => c!["tokens"]!.AsArray().Skip(1).Select(t => t!.GetValue<int>()).TakeWhile(t => t != 49407).Count())
            .ToList();

        var breaks = PromptAnalyzer.ForTokenizerOf(Golden.TinySdFolder).CountChunked(entry["prompt"]!.GetValue<string>(), PromptSyntaxGoldenSteps()).Chunks;

        Assert.Equal(goldenChunks, breaks.Select(b => b.Tokens));
        Assert.All(breaks.Where(b => b.Tokens > 0), b => Assert.NotEmpty(b.Ending));
    }

    [Fact]
    public void AChunkEndsWithItsLastWordsAsClipSpellsThem()
    {
        var breaks = PromptAnalyzer.ForTokenizerOf(Golden.TinySdFolder).CountChunked("A photo of a Cat BREAK sitting on a mat", 20).Chunks;

        Assert.Equal([(5, "photo of a cat"), (4, "sitting on a mat")], breaks);
    }

    private static int PromptSyntaxGoldenSteps() =>
        System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Golden.PathOf("features", "prompt_syntax.json")))!["steps"]!.GetValue<int>();

    [Fact]
    public void ForModelRefusesAMissingModel()
    {
        var path = Path.Combine(Path.GetTempPath(), $"no-model-{Guid.NewGuid():N}");
        var e = Assert.Throws<ModelLoadException>(() => PromptAnalyzer.ForModel(path));
        Assert.Equal($"{path}: no such model file or folder.", e.Message);
    }
}
