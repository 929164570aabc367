using static TorchSharp.torch;

namespace SdWeb.Engine.Models.Clip;

/// <summary>
/// Vectors that take the place of token embeddings (textual inversion): where <paramref name="Mask"/> [batch, seq] is
/// true, <paramref name="Vectors"/> [batch, seq, hidden] is used instead of the token's embedding, before the position
/// embedding is added.
/// </summary>
internal sealed record TokenEmbeddingOverride(Tensor Mask, Tensor Vectors);
