using System.Globalization;
using System.Text.RegularExpressions;

namespace SdWeb.Engine.Prompts;

/// <summary>One <c>AND</c> part of a prompt: an index into the distinct sub-prompt texts and its weight.</summary>
internal sealed record WeightedSubprompt(int Index, double Weight);

/// <summary>
/// AUTOMATIC1111's <c>get_multicond_prompt_list</c> for one prompt: split at the word AND; a trailing <c>:number</c>
/// of each part is its weight (1 without). Identical texts share one index.
/// </summary>
internal static partial class MultiCondPrompt
{
    [GeneratedRegex(@"\bAND\b")]
    private static partial Regex And();

    [GeneratedRegex(@"^((?:\s|.)*?)(?:\s*:\s*([-+]?(?:\d+\.?|\d*\.\d+)))?\s*$")]
    private static partial Regex TrailingWeight();

    public static (IReadOnlyList<string> Subprompts, IReadOnlyList<WeightedSubprompt> Parts) Split(string prompt)
    {
        var texts = new List<string>();
        var parts = new List<WeightedSubprompt>();
        foreach (var part in And().Split(prompt))
        {
            var m = TrailingWeight().Match(part);
            var text = m.Success ? m.Groups[1].Value : part;
            double weight = m.Success && m.Groups[2].Success
                && double.TryParse(m.Groups[2].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var w) ? w : 1.0;
            int index = texts.IndexOf(text);
            if (index < 0)
            {
                index = texts.Count;
                texts.Add(text);
            }
            parts.Add(new WeightedSubprompt(index, weight));
        }
        return (texts, parts);
    }
}
