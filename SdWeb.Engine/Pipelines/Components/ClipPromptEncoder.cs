using SdWeb.Engine.Models.Clip;
using SdWeb.Engine.Prompts;
using SdWeb.Engine.Tokenization;
using TorchSharp;

namespace SdWeb.Engine.Pipelines.Components;

/// <summary>
/// diffusers' encode_prompt: tokenize (pad to 77, truncate), then the text encoder's last hidden state. The last few
/// prompts' encodings are kept, so the negative prompt (most often empty) and a prompt generated again image after
/// image, job after job, are encoded once.
/// </summary>
internal sealed class ClipPromptEncoder(ClipTokenizer tokenizer, ClipTextModel textEncoder) : IPromptEncoder, IDisposable
{
    /// <summary>[1, 77, 768] float32 is 236 KiB; a handful covers a batch's prompts and its negative.</summary>
    private const int RecentPrompts = 8;

    private readonly LinkedList<(string Key, int ClipSkip, torch.Tensor Embedding)> _recent = new();

    public int CountTokens(string prompt) => tokenizer.Tokenize(prompt).PromptTokenCount;

    public torch.Tensor Encode(IReadOnlyList<string> prompts, int clipSkip = 1) => Encode(prompts, [], clipSkip);

    /// <summary>The text encoder's width, which textual-inversion vectors must have.</summary>
    internal int HiddenSize => textEncoder.Config.HiddenSize;

    /// <summary>As <see cref="Encode(IReadOnlyList{string}, int)"/>, with textual-inversion triggers as diffusers' load_textual_inversion adds them.</summary>
    internal torch.Tensor Encode(IReadOnlyList<string> prompts, IReadOnlyList<TextualInversionEmbedding> embeddings, int clipSkip = 1) =>
        torch.cat(prompts.Select(p => EncodeOne(p, embeddings, clipSkip)).ToArray());

    /// <summary>[1, 77, C], owned by the cache (callers only read it).</summary>
    private torch.Tensor EncodeOne(string prompt, IReadOnlyList<TextualInversionEmbedding> embeddings, int clipSkip)
    {
        // The same text means another conditioning with other embeddings loaded.
        var key = embeddings.Count == 0 ? prompt : prompt + "\0" + string.Join("\0", embeddings.Select(e => $"{e.Name}:{e.Hash}"));
        for (var node = _recent.First; node is not null; node = node.Next)
        {
            if (node.Value.Key != key || node.Value.ClipSkip != clipSkip) continue;
            _recent.Remove(node);
            _recent.AddFirst(node);
            return node.Value.Embedding;
        }

        var embedding = embeddings.Count == 0
            ? EncodeIds(tokenizer.Tokenize(prompt).InputIds, null, clipSkip)
            : EncodeWithVectors(prompt, embeddings, clipSkip);
        _recent.AddFirst((key, clipSkip, embedding));
        if (_recent.Count > RecentPrompts)
        {
            _recent.Last!.Value.Embedding.Dispose();
            _recent.RemoveLast();
        }
        return embedding;
    }

    /// <summary>
    /// diffusers' textual inversion: each embedding's n vectors become n tokens with ids past the vocabulary (in load
    /// order), its trigger in the prompt stands for all of them, and their token embeddings are the vectors.
    /// </summary>
    private torch.Tensor EncodeWithVectors(string prompt, IReadOnlyList<TextualInversionEmbedding> embeddings, int clipSkip)
    {
        int vocabulary = textEncoder.Config.VocabSize;
        var triggers = new List<TriggerTokens>();
        foreach (var embedding in embeddings)
            triggers.Add(new TriggerTokens(embedding.Name, vocabulary + triggers.Sum(t => t.Count), (int)embedding.Vectors.shape[0]));
        var ids = tokenizer.Tokenize(prompt, triggers).InputIds;

        using var scope = torch.NewDisposeScope();
        var added = torch.cat(embeddings.Select(e => e.Vectors).ToArray());
        var mask = torch.tensor(ids.Select(id => id >= vocabulary).ToArray(), [1, ids.Count]).unsqueeze(-1);
        var rows = torch.tensor(ids.Select(id => (long)Math.Max(id - vocabulary, 0)).ToArray(), [ids.Count]);
        var vectors = added.index_select(0, rows).unsqueeze(0);
        // The placeholders look up token 0 (as A1111's do); the mask puts the vectors in their place.
        var lookupIds = ids.Select(id => id >= vocabulary ? 0 : id).ToList();
        return EncodeIds(lookupIds, tokens => torch.where(mask.to(tokens.device), vectors.to(tokens.dtype, tokens.device), tokens), clipSkip);
    }

    /// <summary>Detached from any dispose scope: the cache owns it.</summary>
    private torch.Tensor EncodeIds(IReadOnlyList<int> inputIds, Func<torch.Tensor, torch.Tensor>? editTokenEmbeddings, int clipSkip)
    {
        var ids = inputIds.Select(id => (long)id).ToArray();
        using var idTensor = torch.tensor(ids, [1, ids.Length], device: textEncoder.Placement.Device);
        var output = textEncoder.Run(idTensor, outputHiddenStates: clipSkip > 1, editTokenEmbeddings);
        if (clipSkip == 1)
        {
            output.PoolerOutput.Dispose();
            return output.LastHiddenState.DetachFromDisposeScope();
        }
        using (output)
        {
            var states = output.HiddenStates!;
            if (clipSkip > states.Count)
                throw new ArgumentOutOfRangeException(nameof(clipSkip), clipSkip, $"This text encoder has {states.Count - 1} layers: clip skip goes up to {states.Count}.");
            return textEncoder.ApplyFinalLayerNorm(states[states.Count - clipSkip]).DetachFromDisposeScope();
        }
    }

    /// <summary>Drops the kept encodings: the text encoder's weights changed (a LoRA was merged or removed).</summary>
    internal void ForgetEncodings()
    {
        foreach (var (_, _, embedding) in _recent) embedding.Dispose();
        _recent.Clear();
    }

    public void Dispose() => ForgetEncodings();
}
