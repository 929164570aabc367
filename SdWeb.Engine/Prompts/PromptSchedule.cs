using System.Globalization;
using System.Text;

namespace SdWeb.Engine.Prompts;

/// <summary>
/// AUTOMATIC1111's <c>get_learned_conditioning_prompt_schedules</c> for one prompt: prompt editing and alternation
/// turned into the texts used over the steps. With <c>hiresSteps</c> (new timelines) the schedule is for the hires
/// pass: a number with a '.' is a fraction where 1.0–2.0 is the hires pass, an integer counts on from the base steps.
/// </summary>
internal static class PromptSchedule
{
    public static IReadOnlyList<ScheduledText> Of(string prompt, int steps, int? hiresSteps = null, bool useOldScheduling = false)
    {
        bool hires = hiresSteps is not null && !useOldScheduling;
        int intOffset = hires ? steps : 0;
        double fractionOffset = hires ? 1.0 : 0.0;
        int scheduleSteps = hires ? hiresSteps!.Value : steps;

        var tree = ScheduleGrammar.Parse(prompt);
        if (tree is null) return [new ScheduledText(scheduleSteps, prompt)];

        var whens = new Dictionary<EditNode, int>(ReferenceEqualityComparer.Instance);
        var ends = new SortedSet<int> { scheduleSteps };
        void Collect(IReadOnlyList<ScheduleNode> nodes)
        {
            foreach (var node in nodes)
            {
                switch (node)
                {
                    case EditNode edit:
                        int when = WhenStep(edit.When, scheduleSteps, intOffset, fractionOffset, useOldScheduling);
                        whens[edit] = when;
                        if (when >= 1) ends.Add(when);
                        if (edit.Before is not null) Collect(edit.Before);
                        Collect(edit.After);
                        break;
                    case AlternationNode alternation:
                        for (int s = 1; s <= scheduleSteps; s++) ends.Add(s);
                        foreach (var option in alternation.Options) Collect(option);
                        break;
                }
            }
        }
        Collect(tree);
        return ends.Select(end => new ScheduledText(end, TextAt(tree, end, whens))).ToList();
    }

    /// <summary>min(steps, int(v)) as A1111 computes it (int() truncates toward zero).</summary>
    private static int WhenStep(string number, int steps, int intOffset, double fractionOffset, bool old)
    {
        double v = double.Parse(number, NumberStyles.Float, CultureInfo.InvariantCulture);
        if (old) v = v < 1 ? v * steps : v;
        else v = number.Contains('.') ? (v - fractionOffset) * steps : v - intOffset;
        if (double.IsNaN(v) || v >= steps) return steps;
        return v <= int.MinValue ? int.MinValue : (int)Math.Truncate(v);
    }

    private static string TextAt(IReadOnlyList<ScheduleNode> nodes, int step, IReadOnlyDictionary<EditNode, int> whens)
    {
        var text = new StringBuilder();
        void Append(IReadOnlyList<ScheduleNode> list)
        {
            foreach (var node in list)
            {
                switch (node)
                {
                    case LiteralNode literal: text.Append(literal.Text); break;
                    case EditNode edit:
                        if (step <= whens[edit]) { if (edit.Before is not null) Append(edit.Before); }
                        else Append(edit.After);
                        break;
                    case AlternationNode alternation:
                        Append(alternation.Options[(step - 1) % alternation.Options.Count]);
                        break;
                }
            }
        }
        Append(nodes);
        return text.ToString();
    }
}
