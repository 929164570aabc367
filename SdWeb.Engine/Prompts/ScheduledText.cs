namespace SdWeb.Engine.Prompts;

/// <summary>One entry of a prompt's schedule: the text used up to and including step <paramref name="EndAtStep"/>.</summary>
internal sealed record ScheduledText(int EndAtStep, string Text);
