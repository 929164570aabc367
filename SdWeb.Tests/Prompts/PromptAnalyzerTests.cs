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

    [Fact]
    public void ForModelRefusesAMissingModel()
    {
        var path = Path.Combine(Path.GetTempPath(), $"no-model-{Guid.NewGuid():N}");
        var e = Assert.Throws<ModelLoadException>(() => PromptAnalyzer.ForModel(path));
        Assert.Equal($"{path}: no such model file or folder.", e.Message);
    }
}
