namespace SdWeb.Engine.Models;

/// <summary>transformers' CLIPTextConfig (text_encoder/config.json), the fields SD v1 uses.</summary>
public sealed record ClipTextConfig
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
}
