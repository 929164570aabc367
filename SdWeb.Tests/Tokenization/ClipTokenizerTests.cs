using SdWeb.Engine.Tokenization;
using SdWeb.Tests.Support;

namespace SdWeb.Tests.Tokenization;

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
}
