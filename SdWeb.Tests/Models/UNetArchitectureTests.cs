using SdWeb.Engine.Devices;
using SdWeb.Engine.Loading;
using SdWeb.Engine.Models;
using SdWeb.Engine.Models.Unet;
using SdWeb.Tests.Support;
using static TorchSharp.torch;

namespace SdWeb.Tests.Models;

/// <summary>The UNet is built from its config alone: widths, head counts and projections follow the config.</summary>
[Layer(Layer.Engine)]
public sealed class UNetArchitectureTests
{
    /// <summary>Shapes without storage: full-size models are built in milliseconds and use no memory.</summary>
    private static readonly ModelPlacement Meta = new(device("meta"), ScalarType.Float32);

    private static Dictionary<string, long[]> Shapes(nn.Module module) =>
        module.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);

    [Fact]
    public void Sd15ConfigBuildsTheSd15UNet()
    {
        // The defaults are runwayml/stable-diffusion-v1-5's unet/config.json.
        using var unet = new UNet2DConditionModel(new UNet2DConditionConfig(), Meta);
        var shapes = Shapes(unet);

        // Published size of the SD v1 UNet, and shapes from its diffusers checkpoint.
        Assert.Equal(859_520_964L, unet.parameters().Sum(p => p.numel()));
        Assert.Equal([320L, 4, 3, 3], shapes["conv_in.weight"]);
        Assert.Equal([1280L, 320], shapes["time_embedding.linear_1.weight"]);
        Assert.Equal([320L, 768], shapes["down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_k.weight"]);
        Assert.Equal([640L, 320, 1, 1], shapes["down_blocks.1.resnets.0.conv_shortcut.weight"]);
        Assert.Equal([320L, 320, 1, 1], shapes["down_blocks.0.attentions.1.proj_in.weight"]);
        Assert.Equal([10240L, 1280], shapes["mid_block.attentions.0.transformer_blocks.0.ff.net.0.proj.weight"]);
        Assert.Equal([1280L, 2560, 3, 3], shapes["up_blocks.0.resnets.0.conv1.weight"]);
        Assert.Equal([1280L, 1920, 3, 3], shapes["up_blocks.1.resnets.2.conv1.weight"]);
        Assert.Equal([320L, 960, 3, 3], shapes["up_blocks.3.resnets.0.conv1.weight"]);
        Assert.Equal([320L, 640, 1, 1], shapes["up_blocks.3.resnets.2.conv_shortcut.weight"]);
        Assert.False(shapes.ContainsKey("up_blocks.3.upsamplers.0.conv.weight"));
        Assert.False(shapes.ContainsKey("down_blocks.3.downsamplers.0.conv.weight"));
    }

    [Fact]
    public void Sd2ConfigBuildsLinearProjectionsAndWiderCrossAttention()
    {
        var config = new UNet2DConditionConfig
        {
            AttentionHeadDim = [5, 10, 20, 20],
            UseLinearProjection = true,
            CrossAttentionDim = 1024,
            UpcastAttention = true,
        };
        using var unet = new UNet2DConditionModel(config, Meta);
        var shapes = Shapes(unet);

        // Published size of the SD v2 UNet.
        Assert.Equal(865_910_724L, unet.parameters().Sum(p => p.numel()));
        Assert.Equal([640L, 640], shapes["down_blocks.1.attentions.0.proj_in.weight"]);
        Assert.Equal([1280L, 1024], shapes["up_blocks.1.attentions.2.transformer_blocks.0.attn2.to_v.weight"]);
    }

    [Fact]
    public void HeadCountsComeFromAttentionHeadDimOrNumAttentionHeads()
    {
        var sd1 = new UNet2DConditionConfig();
        Assert.Equal([8, 8, 8, 8], UNetConfigValidation.HeadCounts(sd1));
        Assert.Equal([5, 10, 20, 20], UNetConfigValidation.HeadCounts(sd1 with { AttentionHeadDim = [5, 10, 20, 20] }));
        Assert.Equal([4, 4, 4, 4], UNetConfigValidation.HeadCounts(sd1 with { NumAttentionHeads = [4] }));
    }

    [Fact]
    public void WeightsOfAnotherConfigAreRejectedWithTheMismatchedShapes()
    {
        var tiny = UNet2DConditionConfig.FromJson(Golden.PathOf("tiny-sd", "unet", "config.json"));
        using var wider = new UNet2DConditionModel(tiny with { BlockOutChannels = [32, 64, 96, 96] }, ModelPlacement.CpuFloat32);
        using var weights = new SafeTensorsWeightSource(Golden.PathOf("tiny-sd", "unet", "diffusion_pytorch_model.safetensors"));

        var e = Assert.Throws<ModelLoadException>(() => ModuleWeightLoader.Load(wider, weights));

        Assert.Contains("the weights do not fit UNet2DConditionModel", e.Message);
        Assert.Contains("shape mismatches", e.Message);
        Assert.Contains("down_blocks.2.attentions.0.norm.bias: file has [64], model expects [96]", e.Message);
    }

    [Fact]
    public void NonTinyConfigRunsOnANonSquareLatent()
    {
        var config = new UNet2DConditionConfig
        {
            BlockOutChannels = [16, 32, 48, 48],
            NormNumGroups = 8,
            AttentionHeadDim = [2, 4, 6, 6],
            CrossAttentionDim = 24,
            LayersPerBlock = 1,
        };
        using var unet = new UNet2DConditionModel(config, ModelPlacement.CpuFloat32);
        using var sample = randn(1, 4, 8, 12);
        using var context = randn(1, 77, 24);
        using var timestep = tensor(10.5f);

        using var noise = unet.forward(sample, timestep, context);

        Assert.Equal(sample.shape, noise.shape);
        Assert.True(noise.isfinite().all().item<bool>());
    }
}
