using TorchSharp;

namespace SdWeb.Engine.Models.Clip;

/// <summary>What CLIPTextModel returns. The caller owns (and disposes) the tensors.</summary>
/// <param name="LastHiddenState">[batch, seq, hidden], after the final LayerNorm: what Stable Diffusion conditions on.</param>
/// <param name="PoolerOutput">[batch, hidden]: the last hidden state at each sequence's first end-of-text token.</param>
/// <param name="HiddenStates">When asked for: the embeddings, then each encoder layer's output (before the final LayerNorm).</param>
internal sealed record ClipTextOutput(torch.Tensor LastHiddenState, torch.Tensor PoolerOutput, IReadOnlyList<torch.Tensor>? HiddenStates)
    : IDisposable
{
    public void Dispose()
    {
        LastHiddenState.Dispose();
        PoolerOutput.Dispose();
        foreach (var state in HiddenStates ?? []) state.Dispose();
    }
}
