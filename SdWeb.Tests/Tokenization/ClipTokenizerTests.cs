using System.Text.Json;
using SdWeb.Engine.Loading;
using SdWeb.Engine.Tokenization;
using SdWeb.Tests.Support;

namespace SdWeb.Tests.Tokenization;

[Layer(Layer.Engine)]
public class ClipTokenizerTests
{
    private static readonly Lazy<ClipTokenizer> Tokenizer = new(() => ClipTokenizer.FromFolder(Golden.PathOf("tiny-sd", "tokenizer")));

    [Theory]
    [MemberData(nameof(TokenizerGoldenCase.Indexes), MemberType = typeof(TokenizerGoldenCase))]
    public void MatchesTransformersForGoldenCase(int index)
    {
        var golden = TokenizerGoldenCase.All[index];
        var result = Tokenizer.Value.Tokenize(golden.Prompt);

        Assert.Equal(golden.UntruncatedInputIds, result.UntruncatedIds);
        Assert.Equal(golden.InputIds, result.InputIds);
        Assert.Equal(golden.AttentionMask, result.AttentionMask);
    }

    [Theory]
    [MemberData(nameof(TokenizerGoldenCase.Indexes), MemberType = typeof(TokenizerGoldenCase))]
    public void TextFixerMatchesFtfyForGoldenCase(int index)
    {
        var golden = TokenizerGoldenCase.All[index];
        Assert.Equal(golden.FtfyFixedText, TextFixer.Fix(golden.Prompt));
    }

    [Fact]
    public void ReportsHowManyTokensWereCut()
    {
        foreach (var golden in TokenizerGoldenCase.All)
        {
            var result = Tokenizer.Value.Tokenize(golden.Prompt);
            int promptTokens = golden.UntruncatedInputIds.Length - 2;
            Assert.Equal(promptTokens, result.PromptTokenCount);
            Assert.Equal(Math.Max(0, promptTokens - 75), result.TruncatedTokenCount);
            Assert.Equal(promptTokens > 75, result.IsTruncated);
        }
    }

    [Fact]
    public void SpecialTokensWrittenInThePromptAreTheirIds()
    {
        // transformers splits added tokens out of the text before BPE, so they keep their ids.
        var vocab = Vocabulary();
        var result = Tokenizer.Value.Tokenize("a <|endoftext|> b");
        Assert.Equal([49406, vocab["a</w>"], 49407, vocab["b</w>"], 49407], result.UntruncatedIds);
    }

    [Fact]
    public void PadTokenAndLengthComeFromTheTokenizerConfig()
    {
        // SD v2's OpenCLIP tokenizer config: pad with "!" (id 0).
        using var folder = new TokenizerFolder("""{"pad_token": {"content": "!", "lstrip": false}, "model_max_length": 10}""");
        var tokenizer = ClipTokenizer.FromFolder(folder.Path);
        var result = tokenizer.Tokenize("a photograph");
        Assert.Equal(10, tokenizer.Settings.MaxLength);
        Assert.Equal([49406, 320, 8853, 49407, 0, 0, 0, 0, 0, 0], result.InputIds);
        Assert.Equal([1, 1, 1, 1, 0, 0, 0, 0, 0, 0], result.AttentionMask);
    }

    [Fact]
    public void SpecialTokensMapOverridesTheTokenizerConfig()
    {
        using var folder = new TokenizerFolder("""{"pad_token": "!", "model_max_length": 77}""");
        File.WriteAllText(System.IO.Path.Combine(folder.Path, "special_tokens_map.json"), """{"pad_token": "<|endoftext|>"}""");
        Assert.Equal(ClipTokenizerSettings.EndOfText, ClipTokenizer.FromFolder(folder.Path).Settings.PadToken);
    }

    [Fact]
    public void MissingConfigsMeanSdV1Settings()
    {
        using var folder = new TokenizerFolder(tokenizerConfig: null);
        Assert.Equal(new ClipTokenizerSettings(), ClipTokenizer.FromFolder(folder.Path).Settings);
    }

    [Fact]
    public void HugeModelMaxLengthMeansNoLimitSoSeventySeven()
    {
        using var folder = new TokenizerFolder("""{"model_max_length": 1000000000000000019884624838656}""");
        Assert.Equal(77, ClipTokenizer.FromFolder(folder.Path).Settings.MaxLength);
    }

    [Theory]
    [InlineData("""{"pad_token": 5}""", "\"pad_token\" must be a string or an object with a \"content\" string")]
    [InlineData("""{"model_max_length": 2}""", "\"model_max_length\" must be a number of at least 3")]
    [InlineData("""{"pad_token": """, "not valid JSON")]
    [InlineData("""["x"]""", "expected a JSON object")]
    [InlineData("""{"pad_token": "<|notintheVocab|>"}""", "the special token \"<|notintheVocab|>\" is not in the vocabulary")]
    public void BadTokenizerConfigIsRejectedWithWhatIsWrong(string json, string expected)
    {
        using var folder = new TokenizerFolder(json);
        var e = Assert.Throws<ModelLoadException>(() => ClipTokenizer.FromFolder(folder.Path));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void MissingVocabularyIsNamed()
    {
        using var folder = new TokenizerFolder(tokenizerConfig: null);
        File.Delete(System.IO.Path.Combine(folder.Path, "vocab.json"));
        var e = Assert.Throws<ModelLoadException>(() => ClipTokenizer.FromFolder(folder.Path));
        Assert.Equal($"{folder.Path}: the tokenizer folder has no vocab.json; it needs vocab.json and merges.txt (CLIPTokenizer files).",
            e.Message);
    }

    [Fact]
    public void MalformedVocabularyIsNamed()
    {
        using var folder = new TokenizerFolder(tokenizerConfig: null);
        File.WriteAllText(System.IO.Path.Combine(folder.Path, "vocab.json"), "[1,2]");
        var e = Assert.Throws<ModelLoadException>(() => ClipTokenizer.FromFolder(folder.Path));
        Assert.StartsWith($"{folder.Path}: vocab.json is not a JSON object of token → id", e.Message);
    }

    [Fact]
    public void BuiltInStandardClipFilesTokenizeLikeTheModelFolder()
    {
        var builtIn = ClipTokenizer.FromFiles(TokenizerFiles.StandardClip, new ClipTokenizerSettings());
        foreach (var golden in TokenizerGoldenCase.All)
            Assert.Equal(golden.UntruncatedInputIds, builtIn.Tokenize(golden.Prompt).UntruncatedIds);
    }

    private static Dictionary<string, int> Vocabulary() =>
        JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(Golden.PathOf("tiny-sd", "tokenizer", "vocab.json")))!;

    /// <summary>A temporary tokenizer folder: the golden vocabulary and merges with the given tokenizer_config.json.</summary>
    private sealed class TokenizerFolder : IDisposable
    {
        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"clip-tokenizer-{Guid.NewGuid():N}");

        public TokenizerFolder(string? tokenizerConfig)
        {
            Directory.CreateDirectory(Path);
            foreach (var file in new[] { "vocab.json", "merges.txt" })
                File.Copy(Golden.PathOf("tiny-sd", "tokenizer", file), System.IO.Path.Combine(Path, file));
            if (tokenizerConfig is not null) File.WriteAllText(System.IO.Path.Combine(Path, "tokenizer_config.json"), tokenizerConfig);
        }

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
