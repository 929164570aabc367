using System.Text.Json;
using SdWeb.Engine.Tokenization;
using SdWeb.Tests.Features;
using SdWeb.Tests.Support;

namespace SdWeb.Tests.Networks;

[Layer(Layer.Engine)]
public sealed class TriggerTokenizationTests
{
    [Fact]
    public void ATriggerBecomesTheIdsDiffusersAddedForIt()
    {
        var goldenCase = FeatureCase.Named("ti_tiny_style");
        var tokenizer = ClipTokenizer.FromFolder(Golden.PathOf("tiny-sd", "tokenizer"));
        var added = goldenCase.Json.GetProperty("added_tokens");
        Assert.Equal(49408, added.GetProperty("tiny-style").GetInt32());

        var tokens = tokenizer.Tokenize(goldenCase.Json.GetProperty("prompt").GetString()!, [new TriggerTokens("tiny-style", 49408, 2)]);

        Assert.Equal(goldenCase.Json.GetProperty("input_ids").EnumerateArray().Select(e => e.GetInt32()), tokens.InputIds);
    }

    [Fact]
    public void TheEarliestAndThenLongestTriggerWins()
    {
        var tokenizer = ClipTokenizer.FromFolder(Golden.PathOf("tiny-sd", "tokenizer"));
        var plain = tokenizer.Tokenize("a cat").UntruncatedIds;
        var tokens = tokenizer.Tokenize("style-xl a style cat",
            [new TriggerTokens("style", 50000, 1), new TriggerTokens("style-xl", 50010, 3)]).UntruncatedIds;
        // BOS, style-xl (3 ids), "a", style, "cat", EOS
        Assert.Equal([plain[0], 50010, 50011, 50012, plain[1], 50000, plain[2], plain[3]], tokens);
    }
}
