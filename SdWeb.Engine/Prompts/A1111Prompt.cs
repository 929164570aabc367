namespace SdWeb.Engine.Prompts;

/// <summary>
/// A prompt as AUTOMATIC1111 takes it apart, in its order: extra-network tags removed, AND split into weighted
/// sub-prompts, each sub-prompt's schedule over the steps.
/// </summary>
internal sealed record A1111Prompt(
    string PromptAfterTags,
    IReadOnlyDictionary<string, IReadOnlyList<IReadOnlyList<string>>> ExtraNetworks,
    IReadOnlyList<string> Subprompts,
    IReadOnlyList<WeightedSubprompt> Parts,
    IReadOnlyList<IReadOnlyList<ScheduledText>> SubpromptSchedules)
{
    public static A1111Prompt Parse(string prompt, int steps)
    {
        var (after, networks) = ExtraNetworkTags.Parse(prompt);
        var (subprompts, parts) = MultiCondPrompt.Split(after);
        return new A1111Prompt(after, networks, subprompts, parts, subprompts.Select(s => PromptSchedule.Of(s, steps)).ToList());
    }

    /// <summary>The schedule entry A1111's denoiser uses at 0-based call <paramref name="step"/>: the first with step ≤ its end.</summary>
    public static int EntryAt(IReadOnlyList<ScheduledText> schedule, int step)
    {
        for (int i = 0; i < schedule.Count; i++)
            if (step <= schedule[i].EndAtStep) return i;
        return 0;
    }
}
