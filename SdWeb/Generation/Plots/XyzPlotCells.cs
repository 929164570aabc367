using System.Globalization;
using System.Text.RegularExpressions;
using SdWeb.Data;

namespace SdWeb.Generation.Plots;

/// <summary>
/// What each cell of a plot job makes: the job's settings with the cell's axis values applied, as a job of one image.
/// The one derivation of a cell — the submitter checks these, the worker runs them, and each is stored as an ordinary
/// image with its own full parameters, so Reproduce on a cell needs nothing of the plot.
/// </summary>
public static partial class XyzPlotCells
{
    /// <summary>The settings of cell <paramref name="index"/>; a copy, <paramref name="job"/> is unchanged.</summary>
    /// <remarks>Prompt S/R replaces its first value in the prompt and the negative prompt (A1111's apply_prompt).</remarks>
    public static GenerationJob Cell(GenerationJob job, XyzPlotLayout layout, int index)
    {
        var cell = job.Clone();
        cell.ImageCount = 1;
        cell.Plot = null;
        var (x, y, z) = layout.Position(index);
        Apply(cell, layout.X, x);
        Apply(cell, layout.Y, y);
        Apply(cell, layout.Z, z);
        return cell;
    }

    /// <summary>Every cell in order.</summary>
    public static IEnumerable<GenerationJob> All(GenerationJob job, XyzPlotLayout layout) =>
        Enumerable.Range(0, layout.CellCount).Select(i => Cell(job, layout, i));

    private static void Apply(GenerationJob cell, XyzLayoutAxis axis, int position)
    {
        var value = axis.Values[position].Value;
        switch (axis.Kind)
        {
            case XyzAxisKind.Seed: cell.Seed = long.Parse(value, CultureInfo.InvariantCulture); break;
            case XyzAxisKind.Steps: cell.Steps = int.Parse(value, CultureInfo.InvariantCulture); break;
            case XyzAxisKind.CfgScale: cell.CfgScale = double.Parse(value, CultureInfo.InvariantCulture); break;
            case XyzAxisKind.Sampler: cell.Sampler = value; break;
            case XyzAxisKind.Size:
                var sides = value.Split('x');
                (cell.Width, cell.Height) = (int.Parse(sides[0], CultureInfo.InvariantCulture), int.Parse(sides[1], CultureInfo.InvariantCulture));
                break;
            case XyzAxisKind.LoraWeight:
                cell.Prompt = LoraTag().Replace(cell.Prompt, m => $"<lora:{m.Groups[1].Value}:{value}>");
                break;
            case XyzAxisKind.PromptSR:
                var search = axis.Values[0].Value;
                cell.Prompt = cell.Prompt.Replace(search, value, StringComparison.Ordinal);
                cell.NegativePrompt = cell.NegativePrompt.Replace(search, value, StringComparison.Ordinal);
                break;
        }
    }

    /// <summary>What makes the plot meaningless for this job's prompts (A1111 refuses the same before it starts).</summary>
    public static IEnumerable<string> Problems(GenerationJob job, XyzPlotLayout layout)
    {
        foreach (var axis in layout.Axes)
        {
            if (axis.Kind == XyzAxisKind.PromptSR && axis.Values[0].Value is var search
                && !job.Prompt.Contains(search, StringComparison.Ordinal) && !job.NegativePrompt.Contains(search, StringComparison.Ordinal))
                yield return $"Prompt S/R did not find \"{search}\" in the prompt or the negative prompt; its first value is the text to replace.";
            if (axis.Kind == XyzAxisKind.LoraWeight && !LoraTag().IsMatch(job.Prompt))
                yield return "The LoRA weight axis changes the weight of the prompt's <lora:name:weight> tags, and the prompt has none.";
        }
    }

    /// <summary>&lt;lora:name&gt; or &lt;lora:name:weight…&gt;: the weight axis sets the one multiplier (A1111's text-encoder and UNet weight alike).</summary>
    [GeneratedRegex(@"<lora:([^:>]+)(?::[^>]*)?>")]
    private static partial Regex LoraTag();
}
