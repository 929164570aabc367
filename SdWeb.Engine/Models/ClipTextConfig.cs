using SdWeb.Engine.Loading;
using SdWeb.Engine.Loading.Configs;

namespace SdWeb.Engine.Models;

/// <summary>transformers' CLIPTextConfig (text_encoder/config.json), the fields SD v1 uses.</summary>
internal sealed record ClipTextConfig
{
    public int VocabSize { get; init; } = 49408;
    public int HiddenSize { get; init; } = 768;
    public int IntermediateSize { get; init; } = 3072;
    public int NumHiddenLayers { get; init; } = 12;
    public int NumAttentionHeads { get; init; } = 12;
    public int MaxPositionEmbeddings { get; init; } = 77;
    public string HiddenAct { get; init; } = "quick_gelu";
    public double LayerNormEps { get; init; } = 1e-5;
    public int PadTokenId { get; init; } = 1;
    public int BosTokenId { get; init; } = 49406;
    public int EosTokenId { get; init; } = 49407;

    /// <summary>Reads and validates text_encoder/config.json.</summary>
    public static ClipTextConfig FromJson(string path)
    {
        var config = ConfigJson.Read<ClipTextConfig>(path);
        try
        {
            config.Validate();
        }
        catch (ArgumentException e)
        {
            throw new ModelLoadException($"{path}: {e.Message}", e);
        }
        return config;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first field that cannot describe a CLIP text encoder.</summary>
    public void Validate()
    {
        foreach (var (name, value) in new[] { ("vocab_size", VocabSize), ("hidden_size", HiddenSize), ("intermediate_size", IntermediateSize),
                     ("num_hidden_layers", NumHiddenLayers), ("num_attention_heads", NumAttentionHeads), ("max_position_embeddings", MaxPositionEmbeddings) })
        {
            if (value <= 0) throw new ArgumentException($"{name} must be positive, not {value}.");
        }
        if (HiddenSize % NumAttentionHeads != 0)
            throw new ArgumentException($"hidden_size {HiddenSize} is not divisible by num_attention_heads {NumAttentionHeads}.");
        _ = Clip.ClipMlp.ActivationOf(HiddenAct); // throws for an activation the encoder does not implement
        if (LayerNormEps <= 0) throw new ArgumentException($"layer_norm_eps must be positive, not {LayerNormEps}.");
    }
}
