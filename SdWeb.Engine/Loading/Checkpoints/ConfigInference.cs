using SdWeb.Engine.Models;

namespace SdWeb.Engine.Loading.Checkpoints;

/// <summary>
/// Derives the component configs of a checkpoint that comes without them from its tensor shapes (read under diffusers
/// names), taking from the LDM yaml, when there is one, what shapes cannot tell; otherwise SD v1's values.
/// </summary>
internal static class ConfigInference
{
    private const int SdV1Heads = 8;
    private const int SdV1UNetSampleSize = 64;
    private const int SdV1VaeSampleSize = 512;
    private const double SdV1ScalingFactor = 0.18215;
    /// <summary>Every released CLIP text encoder (ViT-L/14 768/12, ViT-H 1024/16, ViT-bigG 1280/20) has 64-wide heads.</summary>
    private const int ClipHeadWidth = 64;
    /// <summary>Test-sized CLIP text encoders narrower than one head (transformers' tiny-random-clip family, hidden 32) use 4 heads.</summary>
    private const int TinyClipHeads = 4;

    public static UNet2DConditionConfig UNet(IWeightSource w, LdmConfigFile? yaml)
    {
        var levels = Enumerable.Range(0, CountIndices(w, "down_blocks.")).ToList();
        var blockOut = levels.Select(i => (int)Shape(w, $"down_blocks.{i}.resnets.0.conv1.weight")[0]).ToList();
        var convIn = Shape(w, "conv_in.weight");
        var crossKey = w.Names.Where(n => n.EndsWith(".attn2.to_k.weight", StringComparison.Ordinal)).Order().FirstOrDefault()
                       ?? throw new ModelLoadException($"{w.Description}: the UNet has no cross-attention (attn2) layers; it is not a Stable Diffusion v1 UNet.");
        var firstAttention = levels.Select(i => $"down_blocks.{i}.attentions.0.").FirstOrDefault(p => HasPrefix(w, p)) ?? "mid_block.attentions.0.";
        return new UNet2DConditionConfig
        {
            InChannels = (int)convIn[1],
            OutChannels = (int)Shape(w, "conv_out.weight")[0],
            ConvInKernel = (int)convIn[2],
            ConvOutKernel = (int)Shape(w, "conv_out.weight")[2],
            SampleSize = SdV1UNetSampleSize,
            BlockOutChannels = blockOut,
            LayersPerBlock = CountIndices(w, "down_blocks.0.resnets."),
            DownBlockTypes = levels.Select(i => HasPrefix(w, $"down_blocks.{i}.attentions.") ? "CrossAttnDownBlock2D" : "DownBlock2D").ToList(),
            UpBlockTypes = levels.Select(i => HasPrefix(w, $"up_blocks.{i}.attentions.") ? "CrossAttnUpBlock2D" : "UpBlock2D").ToList(),
            CrossAttentionDim = (int)Shape(w, crossKey)[1],
            UseLinearProjection = Shape(w, firstAttention + "proj_in.weight").Length == 2,
            TransformerLayersPerBlock = CountIndices(w, firstAttention + "transformer_blocks."),
            AttentionHeadDim = Heads(blockOut, yaml),
        };
    }

    /// <summary>LDM's num_heads, or channels / num_head_channels per level (num_heads: -1), as diffusers' converter does.</summary>
    private static IReadOnlyList<int> Heads(List<int> blockOut, LdmConfigFile? yaml)
    {
        if (yaml is { UNetNumHeadChannels: > 0 and var width, UNetNumHeads: null or -1 })
            return blockOut.Select(c => c / width).ToList();
        return [yaml is { UNetNumHeads: > 0 and var heads } ? heads : SdV1Heads];
    }

    public static AutoencoderKLConfig Vae(IWeightSource w, LdmConfigFile? yaml)
    {
        int levels = CountIndices(w, "encoder.down_blocks.");
        return new AutoencoderKLConfig
        {
            InChannels = (int)Shape(w, "encoder.conv_in.weight")[1],
            OutChannels = (int)Shape(w, "decoder.conv_out.weight")[0],
            LatentChannels = (int)Shape(w, "post_quant_conv.weight")[1],
            BlockOutChannels = Enumerable.Range(0, levels).Select(i => (int)Shape(w, $"encoder.down_blocks.{i}.resnets.0.conv1.weight")[0]).ToList(),
            DownBlockTypes = Enumerable.Repeat("DownEncoderBlock2D", levels).ToList(),
            UpBlockTypes = Enumerable.Repeat("UpDecoderBlock2D", levels).ToList(),
            LayersPerBlock = CountIndices(w, "encoder.down_blocks.0.resnets."),
            SampleSize = SdV1VaeSampleSize,
            ScalingFactor = yaml?.ScaleFactor ?? SdV1ScalingFactor,
        };
    }

    public static ClipTextConfig Clip(IWeightSource w)
    {
        var tokens = Shape(w, "text_model.embeddings.token_embedding.weight");
        int hidden = (int)tokens[1];
        return new ClipTextConfig
        {
            VocabSize = (int)tokens[0],
            HiddenSize = hidden,
            MaxPositionEmbeddings = (int)Shape(w, "text_model.embeddings.position_embedding.weight")[0],
            NumHiddenLayers = CountIndices(w, "text_model.encoder.layers."),
            IntermediateSize = (int)Shape(w, "text_model.encoder.layers.0.mlp.fc1.weight")[0],
            NumAttentionHeads = hidden % ClipHeadWidth == 0 ? hidden / ClipHeadWidth : TinyClipHeads,
        };
    }

    private static long[] Shape(IWeightSource w, string name) =>
        w.Names.Contains(name)
            ? w.ShapeOf(name)
            : throw new ModelLoadException($"{w.Description}: '{name}' is missing, so the model's layout cannot be determined; the file is incomplete or not a Stable Diffusion v1 model.");

    private static bool HasPrefix(IWeightSource w, string prefix) => w.Names.Any(n => n.StartsWith(prefix, StringComparison.Ordinal));

    /// <summary>How many numbered children (prefix + "0.", prefix + "1.", …) the weights have.</summary>
    private static int CountIndices(IWeightSource w, string prefix) =>
        w.Names.Where(n => n.StartsWith(prefix, StringComparison.Ordinal))
            .Select(n => n[prefix.Length..].Split('.')[0]).Select(s => int.TryParse(s, out var i) ? i + 1 : 0)
            .DefaultIfEmpty(0).Max();
}
