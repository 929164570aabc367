using SdWeb.Engine.Devices;
using SdWeb.Engine.Loading;
using SdWeb.Engine.Models;
using SdWeb.Engine.Models.Vae;
using static TorchSharp.torch;

namespace SdWeb.Tests.Models;

/// <summary>Configs the VAE cannot be built from, and inputs it cannot run on, are rejected with clear messages.</summary>
[Layer(Layer.Engine)]
public sealed class VaeValidationTests
{
    private static readonly AutoencoderKLConfig Small = new() { BlockOutChannels = [32, 32, 64, 64], LayersPerBlock = 1 };

    [Theory]
    [InlineData("levels", "Invalid VAE config: block_out_channels has 2 entries, down_block_types 4 and up_block_types 4; they must have one entry per resolution level.")]
    [InlineData("groups", "Invalid VAE config: block_out_channels[3] = 40 is not a positive multiple of norm_num_groups = 32.")]
    [InlineData("down", "Invalid VAE config: down_block_types contains \"AttnDownEncoderBlock2D\", which this engine does not build (supported: DownEncoderBlock2D).")]
    [InlineData("up", "Invalid VAE config: up_block_types contains \"AttnUpDecoderBlock2D\", which this engine does not build (supported: UpDecoderBlock2D).")]
    public void InvalidConfigIsRejected(string problem, string message)
    {
        var config = problem switch
        {
            "levels" => Small with { BlockOutChannels = [32, 64] },
            "groups" => Small with { BlockOutChannels = [32, 32, 64, 40] },
            "down" => Small with { DownBlockTypes = ["DownEncoderBlock2D", "AttnDownEncoderBlock2D", "DownEncoderBlock2D", "DownEncoderBlock2D"] },
            "up" => Small with { UpBlockTypes = ["UpDecoderBlock2D", "UpDecoderBlock2D", "UpDecoderBlock2D", "AttnUpDecoderBlock2D"] },
            _ => throw new ArgumentOutOfRangeException(nameof(problem)),
        };

        var e = Assert.Throws<ModelLoadException>(() => new AutoencoderKL(config, ModelPlacement.CpuFloat32));

        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void EncodeRejectsAnImageWithTheWrongChannels()
    {
        using var vae = new AutoencoderKL(Small, ModelPlacement.CpuFloat32);
        using var rgba = zeros(1, 4, 64, 64);

        var e = Assert.Throws<ArgumentException>(() => vae.Encode(rgba));

        Assert.Equal("The VAE's image must be [batch, 3, height, width]; got [1, 4, 64, 64]. (Parameter 'image')", e.Message);
    }

    [Fact]
    public void DecodeRejectsLatentsOfAnotherDType()
    {
        using var vae = new AutoencoderKL(Small, ModelPlacement.CpuFloat32);
        using var latents = zeros(1, 4, 8, 8, ScalarType.BFloat16);

        var e = Assert.Throws<ArgumentException>(() => vae.Decode(latents));

        Assert.Equal("The VAE runs on cpu/fp32 but its latents is bf16 on cpu; move it to the model's device and dtype first. (Parameter 'latents')", e.Message);
    }
}
