using SdWeb.Engine.Loading.Configs;
namespace SdWeb.Engine.Models;

/// <summary>diffusers' UNet2DConditionModel config (unet/config.json), the fields SD v1 uses.</summary>
internal sealed record UNet2DConditionConfig
{
    public int InChannels { get; init; } = 4;
    public int OutChannels { get; init; } = 4;
    public int SampleSize { get; init; } = 64;
    public bool FlipSinToCos { get; init; } = true;
    public int FreqShift { get; init; }
    public IReadOnlyList<string> DownBlockTypes { get; init; } = ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"];
    public string MidBlockType { get; init; } = "UNetMidBlock2DCrossAttn";
    public IReadOnlyList<string> UpBlockTypes { get; init; } = ["UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"];
    public IReadOnlyList<int> BlockOutChannels { get; init; } = [320, 640, 1280, 1280];
    public int LayersPerBlock { get; init; } = 2;
    public int DownsamplePadding { get; init; } = 1;
    public double MidBlockScaleFactor { get; init; } = 1;
    public string ActFn { get; init; } = "silu";
    public int NormNumGroups { get; init; } = 32;
    public double NormEps { get; init; } = 1e-5;
    public int CrossAttentionDim { get; init; } = 768;
    /// <summary>In SD v1 configs this is the number of heads (diffusers' historical naming), one value or one per block.</summary>
    public IReadOnlyList<int> AttentionHeadDim { get; init; } = [8];
    /// <summary>When set, overrides <see cref="AttentionHeadDim"/> as the head count.</summary>
    public IReadOnlyList<int>? NumAttentionHeads { get; init; }
    public int TransformerLayersPerBlock { get; init; } = 1;
    public bool UseLinearProjection { get; init; }
    public bool UpcastAttention { get; init; }
    public bool OnlyCrossAttention { get; init; }
    public int ConvInKernel { get; init; } = 3;
    public int ConvOutKernel { get; init; } = 3;

    /// <summary>Reads unet/config.json; rejects configs that use UNet features beyond SD v1/v2 (e.g. SDXL's added embeddings).</summary>
    public static UNet2DConditionConfig FromJson(string path) => ConfigJson.Read<UNet2DConditionConfig>(path, NeutralValues);

    private static readonly Dictionary<string, object?> NeutralValues = new()
    {
        ["center_input_sample"] = false,
        ["time_embedding_type"] = "positional",
        ["time_embedding_dim"] = null,
        ["time_embedding_act_fn"] = null,
        ["timestep_post_act"] = null,
        ["time_cond_proj_dim"] = null,
        ["class_embed_type"] = null,
        ["num_class_embeds"] = null,
        ["class_embeddings_concat"] = false,
        ["projection_class_embeddings_input_dim"] = null,
        ["addition_embed_type"] = null,
        ["addition_time_embed_dim"] = null,
        ["encoder_hid_dim"] = null,
        ["encoder_hid_dim_type"] = null,
        ["resnet_time_scale_shift"] = "default",
        ["resnet_skip_time_act"] = false,
        ["resnet_out_scale_factor"] = 1.0,
        ["dual_cross_attention"] = false,
        ["attention_type"] = "default",
        ["cross_attention_norm"] = null,
        ["mid_block_only_cross_attention"] = null,
        ["reverse_transformer_layers_per_block"] = null,
    };
}
