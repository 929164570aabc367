namespace SdWeb.Engine.Prompts;

/// <summary>
/// 77 token ids (BOS, 75, EOS; padded with EOS) with their emphasis multipliers, and where textual-inversion vectors
/// replace placeholder tokens (offsets counted without BOS).
/// </summary>
internal sealed record PromptChunk(IReadOnlyList<int> Tokens, IReadOnlyList<double> Multipliers, IReadOnlyList<EmbeddingFix> Fixes)
{
    public const int Length = 75;
    public const int BosId = 49406;
    public const int EosId = 49407;

    /// <summary>A1111's empty_chunk: what a text with fewer chunks than its batch gets at the end.</summary>
    public static PromptChunk Empty { get; } = new(
        [BosId, .. Enumerable.Repeat(EosId, Length + 1)], Enumerable.Repeat(1.0, Length + 2).ToList(), []);
}

/// <summary>An embedding's vectors placed at <paramref name="Offset"/> (without BOS) in a chunk.</summary>
internal sealed record EmbeddingFix(int Offset, TextualInversionEmbedding Embedding);
