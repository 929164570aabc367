using SdWeb.Engine.Models.Clip;
using SdWeb.Engine.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace SdWeb.Engine.Prompts;

/// <summary>
/// AUTOMATIC1111's SD1 conditioning (FrozenCLIPEmbedderWithCustomWords, emphasis "Original"): the texts of one call
/// encoded together chunk by chunk, weights applied with the batch mean restored, chunks concatenated along the tokens.
/// Clip skip in A1111's numbering: 1 = last layer, N = hidden_states[-N] + the final LayerNorm.
/// </summary>
internal sealed class A1111TextEncoder(ClipTokenizer tokenizer, ClipTextModel textModel)
{
    public PromptChunker Chunker(IReadOnlyList<TextualInversionEmbedding> embeddings) => new(tokenizer, embeddings);

    /// <returns>[texts, 77 × chunks, hidden] on the model's device and dtype; texts with fewer chunks end in empty ones.</returns>
    public Tensor Encode(IReadOnlyList<string> texts, int clipSkip, PromptChunker chunker)
    {
        int layers = textModel.Config.NumHiddenLayers;
        if (clipSkip < 1 || clipSkip > layers + 1)
            throw new ArgumentOutOfRangeException(nameof(clipSkip), clipSkip, $"Clip skip must be between 1 and {layers + 1} for this text encoder.");
        // Each distinct text runs through CLIP once; duplicates (alternation) still count in the emphasis means.
        var distinct = texts.Distinct().ToList();
        var tokenized = distinct.Select(chunker.Tokenize).ToList();
        var rows = texts.Select(t => (long)distinct.IndexOf(t)).ToArray();
        int chunkCount = tokenized.Max(t => t.Chunks.Count);
        var emptyChunk = chunker.EmptyChunk();

        using var scope = NewDisposeScope();
        var device = textModel.Placement.Device;
        using var rowIndex = tensor(rows, device: device);
        var zs = new List<Tensor>();
        for (int i = 0; i < chunkCount; i++)
        {
            var chunks = tokenized.Select(t => i < t.Chunks.Count ? t.Chunks[i] : emptyChunk).ToList();
            var z = EncodeChunks(chunks, clipSkip).index_select(0, rowIndex).to(ScalarType.Float32);
            var multipliers = tensor(rows.SelectMany(r => chunks[(int)r].Multipliers.Select(m => (float)m)).ToArray(),
                [rows.Length, chunks[0].Tokens.Count, 1], device: device);
            // Means accumulated in float64, then float32 as torch's cascade sum gives them: with a mean near zero the
            // ratio amplifies any summation error.
            var originalMean = z.to(ScalarType.Float64).mean().to(ScalarType.Float32);
            z = z * multipliers;
            zs.Add(z * (originalMean / z.to(ScalarType.Float64).mean().to(ScalarType.Float32)));
        }
        return cat(zs, 1).to(textModel.Placement.DType).MoveToOuterDisposeScope();
    }

    private Tensor EncodeChunks(IReadOnlyList<PromptChunk> chunks, int clipSkip)
    {
        var device = textModel.Placement.Device;
        var ids = tensor(chunks.SelectMany(c => c.Tokens.Select(t => (long)t)).ToArray(), [chunks.Count, chunks[0].Tokens.Count], device: device);
        Func<Tensor, Tensor>? fixes = chunks.Any(c => c.Fixes.Count > 0) ? embeds => WithEmbeddings(embeds, chunks) : null;
        using var output = textModel.Run(ids, outputHiddenStates: clipSkip > 1, fixes);
        if (clipSkip == 1) return output.LastHiddenState.clone();
        var states = output.HiddenStates!;
        return textModel.ApplyFinalLayerNorm(states[states.Count - clipSkip]);
    }

    /// <summary>A1111's EmbeddingsWithFixes: the vectors replace the placeholders' token embeddings (after BOS).</summary>
    private static Tensor WithEmbeddings(Tensor tokenEmbeddings, IReadOnlyList<PromptChunk> chunks)
    {
        var edited = tokenEmbeddings.clone();
        for (int row = 0; row < chunks.Count; row++)
        {
            foreach (var fix in chunks[row].Fixes)
            {
                long length = Math.Min(edited.shape[1] - fix.Offset - 1, fix.Embedding.Vectors.shape[0]);
                using var vectors = fix.Embedding.Vectors.narrow(0, 0, length).to(edited.dtype, edited.device);
                using var target = edited[row].narrow(0, fix.Offset + 1, length);
                target.copy_(vectors);
            }
        }
        return edited;
    }
}
