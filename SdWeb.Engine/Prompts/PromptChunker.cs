using SdWeb.Engine.Tokenization;

namespace SdWeb.Engine.Prompts;

/// <summary>
/// AUTOMATIC1111's FrozenCLIPEmbedderWithCustomWords.tokenize_line: emphasis runs tokenized separately, filled into
/// chunks of 75 with the comma backtrack, BREAK closing a chunk, textual-inversion triggers replaced by placeholders.
/// The start, end and comma ids are the tokenizer's own, as A1111 reads them (a model with its own vocabulary, such as
/// the demo model, has other ids than CLIP's 49406, 49407 and 267).
/// </summary>
internal sealed class PromptChunker(ClipTokenizer tokenizer, IReadOnlyList<TextualInversionEmbedding> embeddings)
{
    /// <summary>A1111's comma_padding_backtrack default: text after a comma this close to a chunk's end moves on.</summary>
    private const int CommaBacktrack = 20;

    private readonly EmbeddingTriggers _triggers = new(embeddings, tokenizer.TokenIds);

    /// <summary>",&lt;/w&gt;" in the vocabulary; without it no comma backtrack (A1111's comma_token None).</summary>
    private readonly int? _commaId = tokenizer.IdOf(",</w>");

    public int EosId => tokenizer.EosId;

    /// <summary>A1111's empty_chunk: what a text with fewer chunks than its batch gets at the end.</summary>
    public PromptChunk EmptyChunk() => new(
        [tokenizer.BosId, .. Enumerable.Repeat(tokenizer.EosId, PromptChunk.Length + 1)],
        Enumerable.Repeat(1.0, PromptChunk.Length + 2).ToList(), []);

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
            var chunkTokens = new List<int>(PromptChunk.Length + 2) { tokenizer.BosId };
            chunkTokens.AddRange(tokens);
            chunkTokens.AddRange(Enumerable.Repeat(tokenizer.EosId, Math.Max(toAdd, 0) + 1));
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
            var ids = tokenizer.TokenIds(run.Text);
            int position = 0;
            while (position < ids.Count)
            {
                int token = ids[position];
                if (token == _commaId)
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
