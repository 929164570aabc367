namespace SdWeb.Generation;

/// <summary>AUTOMATIC1111's modules/styles.py: how a style's text goes into a prompt.</summary>
public static class PromptStyles
{
    public const string Placeholder = "{prompt}";

    /// <summary>
    /// Each style in order: a style with <c>{prompt}</c> has it replaced by the prompt so far; otherwise the style is
    /// appended with ", " (both trimmed, empty parts left out).
    /// </summary>
    public static string Apply(string prompt, IEnumerable<string> styleTexts)
    {
        foreach (var style in styleTexts) prompt = Merge(style, prompt);
        return prompt;
    }

    private static string Merge(string style, string prompt) => style.Contains(Placeholder, StringComparison.Ordinal)
        ? style.Replace(Placeholder, prompt, StringComparison.Ordinal)
        : string.Join(", ", new[] { prompt.Trim(), style.Trim() }.Where(part => part.Length > 0));
}
