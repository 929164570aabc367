using SdWeb.Engine.Models.Clip;
using SdWeb.Engine.Tokenization;
using TorchSharp;

namespace SdWeb.Engine.Pipelines.Components;

/// <summary>
/// diffusers' encode_prompt: tokenize (pad to 77, truncate), then the text encoder's last hidden state. The last few
/// prompts' encodings are kept, so the negative prompt (most often empty) and a prompt generated again image after
/// image, job after job, are encoded once.
/// </summary>
public sealed class ClipPromptEncoder(ClipTokenizer tokenizer, ClipTextModel textEncoder) : IPromptEncoder, IDisposable
{
    /// <summary>[1, 77, 768] float32 is 236 KiB; a handful covers a batch's prompts and its negative.</summary>
    private const int RecentPrompts = 8;

    private readonly LinkedList<(string Prompt, int ClipSkip, torch.Tensor Embedding)> _recent = new();

    public int CountTokens(string prompt) => tokenizer.Tokenize(prompt).PromptTokenCount;

    public torch.Tensor Encode(IReadOnlyList<string> prompts, int clipSkip = 1) =>
        torch.cat(prompts.Select(p => EncodeOne(p, clipSkip)).ToArray());

    /// <summary>[1, 77, C], owned by the cache (callers only read it).</summary>
    private torch.Tensor EncodeOne(string prompt, int clipSkip)
    {
        for (var node = _recent.First; node is not null; node = node.Next)
        {
            if (node.Value.Prompt != prompt || node.Value.ClipSkip != clipSkip) continue;
            _recent.Remove(node);
            _recent.AddFirst(node);
            return node.Value.Embedding;
        }

        var ids = tokenizer.Tokenize(prompt).InputIds.Select(id => (long)id).ToArray();
        using var idTensor = torch.tensor(ids, [1, ids.Length], device: textEncoder.Placement.Device);
        var embedding = Hidden(idTensor, clipSkip).DetachFromDisposeScope();
        _recent.AddFirst((prompt, clipSkip, embedding));
        if (_recent.Count > RecentPrompts)
        {
            _recent.Last!.Value.Embedding.Dispose();
            _recent.RemoveLast();
        }
        return embedding;
    }

    private torch.Tensor Hidden(torch.Tensor ids, int clipSkip)
    {
        if (clipSkip == 1) return textEncoder.forward(ids);
        using var output = textEncoder.Run(ids, outputHiddenStates: true);
        var states = output.HiddenStates!;
        if (clipSkip > states.Count)
            throw new ArgumentOutOfRangeException(nameof(clipSkip), clipSkip, $"This text encoder has {states.Count - 1} layers: clip skip goes up to {states.Count}.");
        return textEncoder.ApplyFinalLayerNorm(states[states.Count - clipSkip]);
    }

    public void Dispose()
    {
        foreach (var (_, _, embedding) in _recent) embedding.Dispose();
        _recent.Clear();
    }
}
