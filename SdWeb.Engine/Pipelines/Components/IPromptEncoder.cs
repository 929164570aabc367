using TorchSharp;

namespace SdWeb.Engine.Pipelines.Components;

/// <summary>CLIP tokenizer + text encoder as the pipeline uses them.</summary>
internal interface IPromptEncoder
{
    /// <summary>Tokens of a prompt without BOS/EOS and without truncation.</summary>
    int CountTokens(string prompt);

    /// <summary>
    /// last_hidden_state [prompts, 77, C] of the padded, truncated prompts, on the model's device and dtype; with
    /// <paramref name="clipSkip"/> N > 1 (A1111's numbering) hidden_states[-N] + the final LayerNorm instead.
    /// </summary>
    torch.Tensor Encode(IReadOnlyList<string> prompts, int clipSkip = 1);
}
