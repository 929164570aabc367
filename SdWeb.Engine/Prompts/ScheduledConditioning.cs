using TorchSharp;

namespace SdWeb.Engine.Prompts;

/// <summary>
/// One text's conditioning over the steps: the schedule's texts encoded together ([entries, tokens, hidden]);
/// A1111's denoiser uses the first entry whose end step is at or after the current 0-based call.
/// </summary>
internal sealed record ScheduledConditioning(IReadOnlyList<ScheduledText> Schedule, torch.Tensor Encoded)
{
    /// <summary>[tokens, hidden] for 0-based sampling call <paramref name="step"/>.</summary>
    public torch.Tensor At(int step) => Encoded[A1111Prompt.EntryAt(Schedule, step)];
}
