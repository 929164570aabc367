namespace SdWeb.Engine.Prompts;

/// <summary>
/// A1111's EmbeddingDatabase lookup: each embedding's trigger (its name) as token ids, indexed by the first id,
/// longest first, so the token stream is matched at each position.
/// </summary>
internal sealed class EmbeddingTriggers
{
    private readonly Dictionary<int, List<(IReadOnlyList<int> Ids, TextualInversionEmbedding Embedding)>> _byFirstId = [];

    public EmbeddingTriggers(IReadOnlyList<TextualInversionEmbedding> embeddings, Func<string, IReadOnlyList<int>> tokenIds)
    {
        foreach (var embedding in embeddings)
        {
            var ids = tokenIds(embedding.Name);
            if (ids.Count == 0) continue;
            if (!_byFirstId.TryGetValue(ids[0], out var list)) _byFirstId[ids[0]] = list = [];
            list.Add((ids, embedding));
            // Stable, as Python's sorted: equal lengths keep registration order.
            var sorted = list.OrderByDescending(e => e.Ids.Count).ToList();
            list.Clear();
            list.AddRange(sorted);
        }
    }

    /// <summary>The embedding whose trigger starts at <paramref name="offset"/>, and the trigger's length in tokens.</summary>
    public (TextualInversionEmbedding Embedding, int TriggerLength)? At(IReadOnlyList<int> tokens, int offset)
    {
        if (!_byFirstId.TryGetValue(tokens[offset], out var candidates)) return null;
        foreach (var (ids, embedding) in candidates)
        {
            if (offset + ids.Count > tokens.Count) continue;
            bool match = true;
            for (int i = 0; i < ids.Count && match; i++) match = tokens[offset + i] == ids[i];
            if (match) return (embedding, ids.Count);
        }
        return null;
    }
}
