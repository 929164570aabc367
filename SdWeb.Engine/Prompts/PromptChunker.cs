namespace SdWeb.Engine.Prompts;

/// <summary>
/// AUTOMATIC1111's FrozenCLIPEmbedderWithCustomWords.tokenize_line: emphasis runs tokenized separately, filled into
/// chunks of 75 with the comma backtrack, BREAK closing a chunk, textual-inversion triggers replaced by placeholders.
/// </summary>
internal sealed class PromptChunker(Func<string, IReadOnlyList<int>> tokenIds, IReadOnlyList<TextualInversionEmbedding> embeddings)
{
    /// <summary>",&lt;/w&gt;" in CLIP's vocabulary.</summary>
    private const int CommaId = 267;

    /// <summary>A1111's comma_padding_backtrack default: text after a comma this close to a chunk's end moves on.</summary>
    private const int CommaBacktrack = 20;

    private readonly EmbeddingTriggers _triggers = new(embeddings, tokenIds);

    public TokenizedPrompt Tokenize(string line)
    {
        var chunks = new List<PromptChunk>();
        var tokens = new List<int>();
        var multipliers = new List<double>();
        var fixes = new List<EmbeddingFix>();
        int tokenCount = 0;
        int lastComma = -1;

        void NextChunk(bool isLast = false)
        {
            tokenCount += isLast ? tokens.Count : PromptChunk.Length;
            int toAdd = PromptChunk.Length - tokens.Count;
            var chunkTokens = new List<int>(PromptChunk.Length + 2) { PromptChunk.BosId };
            chunkTokens.AddRange(tokens);
            chunkTokens.AddRange(Enumerable.Repeat(PromptChunk.EosId, Math.Max(toAdd, 0) + 1));
            var chunkMultipliers = new List<double>(PromptChunk.Length + 2) { 1.0 };
            chunkMultipliers.AddRange(multipliers);
            chunkMultipliers.AddRange(Enumerable.Repeat(1.0, Math.Max(toAdd, 0) + 1));
            chunks.Add(new PromptChunk(chunkTokens, chunkMultipliers, fixes.ToList()));
            lastComma = -1;
            tokens = [];
            multipliers = [];
            fixes = [];
        }

        foreach (var run in PromptAttention.Parse(line))
        {
            if (run.IsBreak)
            {
                NextChunk();
                continue;
            }
            var ids = tokenIds(run.Text);
            int position = 0;
            while (position < ids.Count)
            {
                int token = ids[position];
                if (token == CommaId)
                {
                    lastComma = tokens.Count;
                }
                else if (tokens.Count == PromptChunk.Length && lastComma != -1 && tokens.Count - lastComma <= CommaBacktrack)
                {
                    int breakAt = lastComma + 1;
                    var movedTokens = tokens.GetRange(breakAt, tokens.Count - breakAt);
                    var movedMultipliers = multipliers.GetRange(breakAt, multipliers.Count - breakAt);
                    tokens.RemoveRange(breakAt, tokens.Count - breakAt);
                    multipliers.RemoveRange(breakAt, multipliers.Count - breakAt);
                    NextChunk();
                    tokens = movedTokens;
                    multipliers = movedMultipliers;
                }

                if (tokens.Count == PromptChunk.Length) NextChunk();

                if (_triggers.At(ids, position) is not { } found)
                {
                    tokens.Add(token);
                    multipliers.Add(run.Weight);
                    position++;
                    continue;
                }

                int vectors = (int)found.Embedding.Vectors.shape[0];
                if (tokens.Count + vectors > PromptChunk.Length) NextChunk();
                fixes.Add(new EmbeddingFix(tokens.Count, found.Embedding));
                tokens.AddRange(Enumerable.Repeat(0, vectors));
                multipliers.AddRange(Enumerable.Repeat(run.Weight, vectors));
                position += found.TriggerLength;
            }
        }

        if (tokens.Count > 0 || chunks.Count == 0) NextChunk(isLast: true);
        return new TokenizedPrompt(chunks, tokenCount);
    }
}
