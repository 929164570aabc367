using SdWeb.Engine.Loading.Configs;
namespace SdWeb.Engine.Models;

/// <summary>diffusers' AutoencoderKL config (vae/config.json).</summary>
internal sealed record AutoencoderKLConfig
{
    public int InChannels { get; init; } = 3;
    public int OutChannels { get; init; } = 3;
    public IReadOnlyList<string> DownBlockTypes { get; init; } = ["DownEncoderBlock2D", "DownEncoderBlock2D", "DownEncoderBlock2D", "DownEncoderBlock2D"];
    public IReadOnlyList<string> UpBlockTypes { get; init; } = ["UpDecoderBlock2D", "UpDecoderBlock2D", "UpDecoderBlock2D", "UpDecoderBlock2D"];
    public IReadOnlyList<int> BlockOutChannels { get; init; } = [128, 256, 512, 512];
    public int LayersPerBlock { get; init; } = 2;
    public string ActFn { get; init; } = "silu";
    public int LatentChannels { get; init; } = 4;
    public int NormNumGroups { get; init; } = 32;
    public int SampleSize { get; init; } = 512;
    public double ScalingFactor { get; init; } = 0.18215;

    /// <summary>Reads vae/config.json; rejects VAE variants this engine does not build.</summary>
    public static AutoencoderKLConfig FromJson(string path) => ConfigJson.Read<AutoencoderKLConfig>(path, NeutralValues);

    private static readonly Dictionary<string, object?> NeutralValues = new()
    {
        ["mid_block_add_attention"] = true,
        ["use_quant_conv"] = true,
        ["use_post_quant_conv"] = true,
        ["shift_factor"] = null,
        ["latents_mean"] = null,
        ["latents_std"] = null,
    };
}
