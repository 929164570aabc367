using SdWeb.Engine.Devices;
using SdWeb.Engine.Loading;
using SdWeb.Engine.Models;
using SdWeb.Engine.Models.Unet;
using static TorchSharp.torch;

namespace SdWeb.Tests.Models;

/// <summary>Configs the UNet cannot be built from, and inputs it cannot run on, are rejected with clear messages.</summary>
[Layer(Layer.Engine)]
public sealed class UNetValidationTests
{
    private static readonly UNet2DConditionConfig Small = new()
    {
        BlockOutChannels = [32, 64, 64, 64],
        CrossAttentionDim = 32,
        LayersPerBlock = 1,
    };

    [Theory]
    [InlineData("levels", "Invalid UNet config: block_out_channels has 3 entries, down_block_types 4 and up_block_types 4; they must have one entry per resolution level.")]
    [InlineData("groups", "Invalid UNet config: block_out_channels[1] = 48 is not a positive multiple of norm_num_groups = 32.")]
    [InlineData("heads", "Invalid UNet config: block_out_channels[0] = 32 cannot be split into 3 attention heads (attention_head_dim).")]
    [InlineData("headList", "Invalid UNet config: num_attention_heads has 2 entries; give one number or one per block (4).")]
    [InlineData("down", "Invalid UNet config: down_block_types contains \"AttnDownBlock2D\", which this engine does not build (supported: CrossAttnDownBlock2D, DownBlock2D).")]
    [InlineData("mid", "Invalid UNet config: mid_block_type contains \"UNetMidBlock2DSimpleCrossAttn\", which this engine does not build (supported: UNetMidBlock2DCrossAttn).")]
    [InlineData("up", "Invalid UNet config: up_block_types contains \"AttnUpBlock2D\", which this engine does not build (supported: CrossAttnUpBlock2D, UpBlock2D).")]
    public void InvalidConfigIsRejected(string problem, string message)
    {
        var config = problem switch
        {
            "levels" => Small with { BlockOutChannels = [32, 64, 64] },
            "groups" => Small with { BlockOutChannels = [32, 48, 64, 64] },
            "heads" => Small with { AttentionHeadDim = [3] },
            "headList" => Small with { NumAttentionHeads = [2, 4] },
            "down" => Small with { DownBlockTypes = ["AttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"] },
            "mid" => Small with { MidBlockType = "UNetMidBlock2DSimpleCrossAttn" },
            "up" => Small with { UpBlockTypes = ["UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "AttnUpBlock2D"] },
            _ => throw new ArgumentOutOfRangeException(nameof(problem)),
        };

        var e = Assert.Throws<ModelLoadException>(() => new UNet2DConditionModel(config, ModelPlacement.CpuFloat32));

        Assert.Equal(message, e.Message);
    }

    [Theory]
    [InlineData("sample", "The UNet's sample must be [batch, 4, height, width]; got [2, 3, 8, 8]. (Parameter 'sample')")]
    [InlineData("timestep", "The UNet's timestep must be a 0-d tensor or hold one value per sample ([2]); got [3]. (Parameter 'timestep')")]
    [InlineData("context", "The UNet's encoder hidden states must be [2, tokens, 32] for a batch of 2; got [2, 77, 768]. (Parameter 'encoderHiddenStates')")]
    [InlineData("dtype", "The UNet runs on cpu/fp32 but its sample is fp16 on cpu; move it to the model's device and dtype first. (Parameter 'sample')")]
    public void InvalidInputIsRejected(string problem, string message)
    {
        using var unet = new UNet2DConditionModel(Small, ModelPlacement.CpuFloat32);
        using var sample = problem switch
        {
            "sample" => zeros(2, 3, 8, 8),
            "dtype" => zeros(2, 4, 8, 8, ScalarType.Float16),
            _ => zeros(2, 4, 8, 8),
        };
        using var timestep = problem == "timestep" ? tensor(new[] { 1f, 2f, 3f }) : tensor(1f);
        using var context = problem == "context" ? zeros(2, 77, 768) : zeros(2, 77, 32);

        var e = Assert.Throws<ArgumentException>(() => unet.forward(sample, timestep, context));

        Assert.Equal(message, e.Message);
    }
}
