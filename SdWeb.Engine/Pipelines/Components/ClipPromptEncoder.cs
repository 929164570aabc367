using SdWeb.Engine.Models.Clip;
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

    private readonly LinkedList<(string Prompt, torch.Tensor Embedding)> _recent = new();

    public int CountTokens(string prompt) => tokenizer.Tokenize(prompt).PromptTokenCount;

    public torch.Tensor Encode(IReadOnlyList<string> prompts) => torch.cat(prompts.Select(EncodeOne).ToArray());

    /// <summary>[1, 77, C], owned by the cache (callers only read it).</summary>
    private torch.Tensor EncodeOne(string prompt)
    {
        for (var node = _recent.First; node is not null; node = node.Next)
        {
            if (node.Value.Prompt != prompt) continue;
            _recent.Remove(node);
            _recent.AddFirst(node);
            return node.Value.Embedding;
        }

        var ids = tokenizer.Tokenize(prompt).InputIds.Select(id => (long)id).ToArray();
        using var idTensor = torch.tensor(ids, [1, ids.Length], device: textEncoder.Placement.Device);
        var embedding = textEncoder.forward(idTensor).DetachFromDisposeScope();
        _recent.AddFirst((prompt, embedding));
        if (_recent.Count > RecentPrompts)
        {
            _recent.Last!.Value.Embedding.Dispose();
            _recent.RemoveLast();
        }
        return embedding;
    }

    public void Dispose()
    {
        foreach (var (_, embedding) in _recent) embedding.Dispose();
        _recent.Clear();
    }
}
