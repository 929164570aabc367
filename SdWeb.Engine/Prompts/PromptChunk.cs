namespace SdWeb.Engine.Prompts;

/// <summary>
/// 77 token ids (BOS, 75, EOS; padded with EOS) with their emphasis multipliers, and where textual-inversion vectors
/// replace placeholder tokens (offsets counted without BOS).
/// </summary>
internal sealed record PromptChunk(IReadOnlyList<int> Tokens, IReadOnlyList<double> Multipliers, IReadOnlyList<EmbeddingFix> Fixes)
{
    public const int Length = 75;
}

/// <summary>An embedding's vectors placed at <paramref name="Offset"/> (without BOS) in a chunk.</summary>
internal sealed record EmbeddingFix(int Offset, TextualInversionEmbedding Embedding);
