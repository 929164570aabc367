using SdWeb.Engine.Prompts;
using SdWeb.Engine.Tokenization;
using SdWeb.Engine.Training.Model;
using SdWeb.Engine.Training.Scenes;
using SdWeb.Tests.Support;

namespace SdWeb.Tests.Prompts;

/// <summary>
/// A1111's chunks start and end with the model's own markers, whatever its vocabulary: a plain prompt shorter than a
/// chunk becomes exactly the ids the model's tokenizer gives it as transformers would (BOS, tokens, EOS padding). The
/// demo model's word vocabulary has BOS 616 and EOS 617, where CLIP's are 49406 and 49407; a first run on it failed in
/// the text encoder with "index out of range" while the chunks still carried CLIP's ids.
/// </summary>
[Layer(Layer.Engine)]
public sealed class PromptChunkerTests
{
    private const string Prompt = "a large red circle in the centre on a white background";

    public static TheoryData<string> Vocabularies() => ["clip", "demo words"];

    [Theory]
    [MemberData(nameof(Vocabularies))]
    public void APlainPromptChunksToTheIdsTheModelsTokenizerGivesIt(string vocabulary)
    {
        var tokenizer = TokenizerOf(vocabulary);
        var chunks = new PromptChunker(tokenizer, []).Tokenize(Prompt).Chunks;

        var chunk = Assert.Single(chunks);
        Assert.Equal(tokenizer.Tokenize(Prompt).InputIds, chunk.Tokens);
    }

    [Theory]
    [MemberData(nameof(Vocabularies))]
    public void TheEmptyChunkIsTheModelsEncodingOfAnEmptyPrompt(string vocabulary)
    {
        var tokenizer = TokenizerOf(vocabulary);

        Assert.Equal(tokenizer.Tokenize("").InputIds, new PromptChunker(tokenizer, []).EmptyChunk().Tokens);
    }

    [Fact]
    public void TheDemoVocabularysMarkersAreNotClips()
    {
        var demo = TokenizerOf("demo words");

        Assert.True(demo.EosId < 1000, $"the demo vocabulary's EOS is {demo.EosId}; the tests above would not tell the vocabularies apart");
    }

    private static ClipTokenizer TokenizerOf(string vocabulary) => vocabulary == "clip"
        ? PromptSyntaxGolden.Tokenizer
        : WordVocabulary.Build(SceneCaptions.Words).Tokenizer();
}
