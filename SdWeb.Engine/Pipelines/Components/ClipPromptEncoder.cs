using SdWeb.Engine.Models.Clip;
using SdWeb.Engine.Tokenization;
using TorchSharp;

namespace SdWeb.Engine.Pipelines.Components;

/// <summary>diffusers' encode_prompt: tokenize (pad to 77, truncate), then the text encoder's last hidden state.</summary>
public sealed class ClipPromptEncoder(ClipTokenizer tokenizer, ClipTextModel textEncoder) : IPromptEncoder
{
    public int CountTokens(string prompt) => tokenizer.Tokenize(prompt).PromptTokenCount;

    public torch.Tensor Encode(IReadOnlyList<string> prompts)
    {
        var ids = prompts.SelectMany(p => tokenizer.Tokenize(p).InputIds.Select(id => (long)id)).ToArray();
        using var idTensor = torch.tensor(ids, [prompts.Count, ids.Length / prompts.Count], device: textEncoder.Placement.Device);
        return textEncoder.forward(idTensor);
    }
}
