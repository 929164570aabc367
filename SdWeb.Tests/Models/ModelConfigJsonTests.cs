using SdWeb.Engine.Loading;
using SdWeb.Engine.Models;
using SdWeb.Tests.Support;

namespace SdWeb.Tests.Models;

[Layer(Layer.Engine)]
public sealed class ModelConfigJsonTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Write(string json)
    {
        var path = _dir[$"{Guid.NewGuid():N}.json"];
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public void TinyUNetConfigIsRead()
    {
        var c = UNet2DConditionConfig.FromJson(Golden.PathOf("tiny-sd", "unet", "config.json"));

        Assert.Equal([32, 64, 64, 64], c.BlockOutChannels);
        Assert.Equal([8], c.AttentionHeadDim);
        Assert.Null(c.NumAttentionHeads);
        Assert.Equal(32, c.CrossAttentionDim);
        Assert.Equal(8, c.SampleSize);
        Assert.Equal(1e-5, c.NormEps);
        Assert.Equal(["CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"], c.DownBlockTypes);
        Assert.Equal("UNetMidBlock2DCrossAttn", c.MidBlockType);
    }

    [Fact]
    public void PerBlockHeadListsAndNumAttentionHeadsAreRead()
    {
        var c = UNet2DConditionConfig.FromJson(Write(
            """{"attention_head_dim": [5, 10, 20, 20], "num_attention_heads": 4, "use_linear_projection": true}"""));

        Assert.Equal([5, 10, 20, 20], c.AttentionHeadDim);
        Assert.Equal([4], c.NumAttentionHeads);
        Assert.True(c.UseLinearProjection);
    }

    [Fact]
    public void TinyVaeConfigIsRead()
    {
        var c = AutoencoderKLConfig.FromJson(Golden.PathOf("tiny-sd", "vae", "config.json"));

        Assert.Equal([32, 64, 64, 64], c.BlockOutChannels);
        Assert.Equal(4, c.LatentChannels);
        Assert.Equal(0.18215, c.ScalingFactor);
        Assert.Equal(64, c.SampleSize);
    }

    [Fact]
    public void UnsupportedUNetFeatureIsRejected()
    {
        var path = Write("""{"addition_embed_type": "text_time"}""");

        var e = Assert.Throws<ModelLoadException>(() => UNet2DConditionConfig.FromJson(path));

        Assert.Equal($"{path}: \"addition_embed_type\": \"text_time\" is not supported (only null is). " +
            "This engine runs Stable Diffusion v1-style models; use a model of that family.", e.Message);
    }

    [Fact]
    public void UnsupportedVaeFeatureIsRejected()
    {
        var path = Write("""{"use_quant_conv": false}""");

        var e = Assert.Throws<ModelLoadException>(() => AutoencoderKLConfig.FromJson(path));

        Assert.StartsWith($"{path}: \"use_quant_conv\": false is not supported (only true is).", e.Message);
    }

    [Fact]
    public void NeutralValuesOfUnsupportedFeaturesAreAccepted()
    {
        var c = UNet2DConditionConfig.FromJson(Write(
            """{"addition_embed_type": null, "resnet_out_scale_factor": 1, "time_embedding_type": "positional", "dual_cross_attention": false}"""));

        Assert.Equal(4, c.InChannels);
    }

    [Fact]
    public void MissingFileIsReported()
    {
        var path = _dir["nope.json"];

        var e = Assert.Throws<ModelLoadException>(() => UNet2DConditionConfig.FromJson(path));

        Assert.Equal($"{path}: config file not found.", e.Message);
    }

    [Theory]
    [InlineData("{\"block_out_channels\": [32, 64", "malformed JSON")]
    [InlineData("{\"attention_head_dim\": \"eight\"}", "cannot read it as a UNet2DConditionConfig: expected a whole number or a list of them, found String")]
    [InlineData("{\"attention_head_dim\": [8, \"x\"]}", "cannot read it as a UNet2DConditionConfig: expected a whole number, found String")]
    [InlineData("[1, 2]", "not a model config: expected a JSON object")]
    public void MalformedConfigIsReportedWithTheFile(string json, string expected)
    {
        var path = Write(json);

        var e = Assert.Throws<ModelLoadException>(() => UNet2DConditionConfig.FromJson(path));

        Assert.StartsWith(path + ":", e.Message);
        Assert.Contains(expected, e.Message);
    }
}
