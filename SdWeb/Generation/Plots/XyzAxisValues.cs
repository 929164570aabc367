using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using SdWeb.Engine.Pipelines;

namespace SdWeb.Generation.Plots;

/// <summary>
/// Reads an axis's values as AUTOMATIC1111's X/Y/Z plot does: comma-separated (double quotes keep a comma inside a value),
/// whole-number ranges "1-5" and "1-10 (+2)", decimal ranges "1-2 (+0.5)", and counts "10-20 [3]" (evenly spaced, ends
/// included). Samplers take the names A1111 shows or the engine's; Prompt S/R keeps its values as written.
/// </summary>
public static partial class XyzAxisValues
{
    /// <exception cref="FormatException">A value that is not of the axis's kind, or more than <paramref name="maxValues"/> values.</exception>
    public static IReadOnlyList<XyzAxisValue> Parse(XyzAxis axis, int maxValues)
    {
        var items = SplitCsv(axis.Values);
        // Prompt S/R replaces text, so an empty value (remove the text) means something; elsewhere a blank is a stray comma.
        if (axis.Kind != XyzAxisKind.PromptSR) items = items.Where(i => i.Length > 0).ToList();
        if (items.Count == 0) throw new FormatException("has no values.");

        var values = new List<XyzAxisValue>();
        foreach (var item in items)
        {
            foreach (var value in Expand(axis.Kind, item, maxValues))
            {
                if (values.Count == maxValues) throw new FormatException($"has more than {maxValues} values.");
                values.Add(value);
            }
        }
        return values;
    }

    /// <summary>How the grid names the axis's values (A1111's labels; its samplers and S/R texts stand alone).</summary>
    public static string Label(XyzAxisKind kind, string value) => kind switch
    {
        XyzAxisKind.Seed => $"Seed: {value}",
        XyzAxisKind.Steps => $"Steps: {value}",
        XyzAxisKind.CfgScale => $"CFG Scale: {value}",
        XyzAxisKind.Size => $"Size: {value}",
        XyzAxisKind.LoraWeight => $"LoRA weight: {value}",
        XyzAxisKind.Sampler => SamplerNames.ToA1111(value),
        _ => value,
    };

    private static IEnumerable<XyzAxisValue> Expand(XyzAxisKind kind, string item, int maxValues)
    {
        IEnumerable<string> values = kind switch
        {
            XyzAxisKind.Seed or XyzAxisKind.Steps => WholeNumbers(item, maxValues),
            XyzAxisKind.CfgScale or XyzAxisKind.LoraWeight => Decimals(item, maxValues),
            XyzAxisKind.Sampler => [SamplerNames.FromA1111(item)
                ?? throw new FormatException($"unknown sampler \"{item}\"; known: {string.Join(", ", SamplerNames.All.Select(SamplerNames.ToA1111))}.")],
            XyzAxisKind.Size => [Size(item)],
            _ => [item],
        };
        return values.Select(v => new XyzAxisValue(v, Label(kind, v)));
    }

    private static List<string> WholeNumbers(string item, int maxValues)
    {
        if (StepRange().Match(item) is { Success: true } range)
        {
            var (start, end) = (Whole(range.Groups[1].Value), Whole(range.Groups[2].Value) + 1);
            var step = range.Groups[3].Success ? Whole(range.Groups[3].Value) : 1;
            if (step == 0) throw new FormatException($"\"{item}\": the step must not be 0.");
            var count = Math.Max(0, (end - start + step + (step > 0 ? -1 : 1)) / step);
            Limit(item, count, maxValues);
            return Enumerable.Range(0, (int)count).Select(k => Text(start + k * step)).ToList();
        }
        if (CountRange().Match(item) is { Success: true } counted)
        {
            var (start, end) = (Whole(counted.Groups[1].Value), Whole(counted.Groups[2].Value));
            var count = counted.Groups[3].Success ? Whole(counted.Groups[3].Value) : 1;
            Limit(item, count, maxValues);
            // As numpy's linspace then int(): evenly spaced, truncated towards zero.
            return Spaced(start, end, (int)count).Select(v => Text((long)v)).ToList();
        }
        if (long.TryParse(item, NumberStyles.Integer, CultureInfo.InvariantCulture, out var single)) return [Text(single)];
        throw new FormatException($"\"{item}\" is not a whole number or a range such as 1-5, 1-10 (+2) or 10-20 [3].");
    }

    private static List<string> Decimals(string item, int maxValues)
    {
        if (DecimalStepRange().Match(item) is { Success: true } range)
        {
            var (start, end) = (Decimal(range.Groups[1].Value), Decimal(range.Groups[2].Value));
            var step = range.Groups[3].Success ? Decimal(range.Groups[3].Value) : 1;
            if (step == 0) throw new FormatException($"\"{item}\": the step must not be 0.");
            // As numpy's arange(start, end + step, step).
            var count = Math.Max(0, Math.Ceiling((end + step - start) / step));
            Limit(item, count, maxValues);
            return Enumerable.Range(0, (int)count).Select(k => Text(start + k * step)).ToList();
        }
        if (DecimalCountRange().Match(item) is { Success: true } counted)
        {
            var (start, end) = (Decimal(counted.Groups[1].Value), Decimal(counted.Groups[2].Value));
            var count = counted.Groups[3].Success ? Whole(counted.Groups[3].Value) : 1;
            Limit(item, count, maxValues);
            return Spaced(start, end, (int)count).Select(Text).ToList();
        }
        if (double.TryParse(item, NumberStyles.Float, CultureInfo.InvariantCulture, out var single) && double.IsFinite(single))
            return [Text(single)];
        throw new FormatException($"\"{item}\" is not a number or a range such as 5-9 (+1.5) or 5-9 [4].");
    }

    private static string Size(string item)
    {
        var match = SizeValue().Match(item);
        if (!match.Success) throw new FormatException($"\"{item}\" is not a size such as 512x768 (width x height).");
        return $"{Whole(match.Groups[1].Value)}x{Whole(match.Groups[2].Value)}";
    }

    private static void Limit(string item, double count, int maxValues)
    {
        if (count > maxValues) throw new FormatException($"\"{item}\" has more than {maxValues} values.");
    }

    private static IEnumerable<double> Spaced(double start, double end, int count) =>
        count == 1 ? [start] : Enumerable.Range(0, count).Select(k => k == count - 1 ? end : start + (end - start) * k / (count - 1));

    private static long Whole(string text) =>
        long.TryParse(text.Replace(" ", "", StringComparison.Ordinal), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException($"\"{text}\" is too large.");

    private static double Decimal(string text) =>
        double.Parse(text.Replace(" ", "", StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture);

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Rounded to 8 decimals as A1111 labels floats, so 0.1 steps read 0.3, not 0.30000000000000004.</summary>
    private static string Text(double value) => Math.Round(value, 8).ToString("R", CultureInfo.InvariantCulture);

    /// <summary>One CSV record (as Python's csv.reader: double quotes group, "" is a quote), each value trimmed.</summary>
    private static List<string> SplitCsv(string text)
    {
        var values = new List<string>();
        var current = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '"' && quoted && i + 1 < text.Length && text[i + 1] == '"') { current.Append('"'); i++; }
            else if (c == '"') quoted = !quoted;
            else if (c == ',' && !quoted) { values.Add(current.ToString().Trim()); current.Clear(); }
            else current.Append(c);
        }
        values.Add(current.ToString().Trim());
        return values;
    }

    [GeneratedRegex(@"^\s*([+-]?\s*\d+)\s*-\s*([+-]?\s*\d+)(?:\s*\(([+-]\d+)\s*\))?\s*$")]
    private static partial Regex StepRange();

    [GeneratedRegex(@"^\s*([+-]?\s*\d+)\s*-\s*([+-]?\s*\d+)\s*\[(\d+)\s*\]\s*$")]
    private static partial Regex CountRange();

    [GeneratedRegex(@"^\s*([+-]?\s*\d+(?:\.\d*)?)\s*-\s*([+-]?\s*\d+(?:\.\d*)?)(?:\s*\(([+-]\d+(?:\.\d*)?)\s*\))?\s*$")]
    private static partial Regex DecimalStepRange();

    [GeneratedRegex(@"^\s*([+-]?\s*\d+(?:\.\d*)?)\s*-\s*([+-]?\s*\d+(?:\.\d*)?)\s*\[(\d+)\s*\]\s*$")]
    private static partial Regex DecimalCountRange();

    [GeneratedRegex(@"^\s*(\d+)\s*[xX×]\s*(\d+)\s*$")]
    private static partial Regex SizeValue();
}
