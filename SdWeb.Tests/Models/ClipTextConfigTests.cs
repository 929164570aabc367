using SdWeb.Engine.Loading;
using SdWeb.Engine.Models;
using SdWeb.Tests.Support;

namespace SdWeb.Tests.Models;

[Layer(Layer.Engine)]
public class ClipTextConfigTests
{
    [Fact]
    public void ReadsTheDiffusersTextEncoderConfig()
    {
        var config = ClipTextConfig.FromJson(Golden.PathOf("tiny-sd", "text_encoder", "config.json"));
        Assert.Equal(new ClipTextConfig
        {
            VocabSize = 49408, HiddenSize = 32, IntermediateSize = 64, NumHiddenLayers = 2, NumAttentionHeads = 4,
            MaxPositionEmbeddings = 77, HiddenAct = "quick_gelu", LayerNormEps = 1e-5, PadTokenId = 1,
            BosTokenId = 49406, EosTokenId = 49407,
        }, config);
    }

    [Theory]
    [InlineData("""{"hidden_act": "relu"}""", "hidden_act \"relu\" is not supported")]
    [InlineData("""{"hidden_size": 30, "num_attention_heads": 4}""", "hidden_size 30 is not divisible by num_attention_heads 4")]
    [InlineData("""{"num_hidden_layers": 0}""", "num_hidden_layers must be positive, not 0")]
    [InlineData("""{"layer_norm_eps": 0}""", "layer_norm_eps must be positive")]
    [InlineData("""{"hidden_size": "big"}""", "cannot read it as a ClipTextConfig")]
    [InlineData("""[1, 2]""", "cannot read it as a ClipTextConfig")]
    public void InvalidConfigIsRejectedWithTheFileAndTheField(string json, string expected)
    {
        var path = Path.Combine(Path.GetTempPath(), $"clip-config-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        try
        {
            var e = Assert.Throws<ModelLoadException>(() => ClipTextConfig.FromJson(path));
            Assert.Contains(path, e.Message);
            Assert.Contains(expected, e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void MissingConfigFileIsNamed()
    {
        var path = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}", "config.json");
        var e = Assert.Throws<ModelLoadException>(() => ClipTextConfig.FromJson(path));
        Assert.Contains($"{path}: config file not found", e.Message);
    }
}
