using SdWeb.Engine.Tokenization;
using SdWeb.Engine.Training.Model;
using SdWeb.Engine.Training.Scenes;
using SdWeb.Tests.Support;

namespace SdWeb.Tests.Training;

[Layer(Layer.Engine)]
public class WordVocabularyTests
{
    [Fact]
    public void EveryCaptionWordIsOneTokenOfTheRealTokenizerReadFromTheWrittenFolder()
    {
        using var dir = new TempDir();
        var vocabulary = WordVocabulary.Build(SceneCaptions.Words);
        vocabulary.Write(dir["tokenizer"]);
        var tokenizer = ClipTokenizer.FromFolder(dir["tokenizer"]);

        var ids = SceneCaptions.Words.Select(word => Assert.Single(tokenizer.TokenIds(word))).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(SceneCaptions.Words, word => Assert.Equal(word, tokenizer.Decode(tokenizer.TokenIds(word))));
        Assert.All(ids, id => Assert.InRange(id, 0, vocabulary.Count - 1));
    }

    [Fact]
    public void ACaptionIsBosItsWordsEosAndPadding()
    {
        var tokenizer = WordVocabulary.Build(SceneCaptions.Words).Tokenizer();
        const string caption = "a small red ring at the left on a black dotted background";
        var tokens = tokenizer.Tokenize(caption);
        Assert.Equal(caption.Split(' ').Length + 2, tokens.UntruncatedIds.Count);
        Assert.Equal(caption, tokenizer.Decode(tokens.UntruncatedIds.Skip(1).SkipLast(1)));
        Assert.Equal(77, tokens.InputIds.Count);
    }

    [Fact]
    public void OtherTextStillTokenizesByteByByte()
    {
        var tokenizer = WordVocabulary.Build(SceneCaptions.Words).Tokenizer();
        var ids = tokenizer.TokenIds("An astronaut!");
        Assert.True(ids.Count > 3, "words outside the vocabulary are spelled in pieces");
        Assert.Equal("an astronaut !", tokenizer.Decode(ids)); // CLIP decodes each word end as a space
    }
}
