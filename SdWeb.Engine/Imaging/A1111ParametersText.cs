using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using SdWeb.Engine.Networks;
using SdWeb.Engine.Pipelines;

namespace SdWeb.Engine.Imaging;

/// <summary>
/// The "parameters" text AUTOMATIC1111 stores in its PNGs:
/// <c>prompt\nNegative prompt: neg\nSteps: 20, Sampler: Euler a, CFG scale: 7.5, Seed: 1, Size: 512x512, Model hash: …, Model: …</c>.
/// Values with a comma, colon or newline are JSON-quoted, as A1111 does.
/// </summary>
public static partial class A1111ParametersText
{
    public static string Format(GeneratedImage image, GenerationParameters p, int batchSize)
    {
        var settings = new List<(string Key, string Value)>
        {
            ("Steps", Num(p.Steps)),
            ("Sampler", SamplerNames.ToA1111(p.Sampler)),
            ("CFG scale", Num(p.CfgScale)),
            ("Seed", Num(p.Seed)),
            ("Size", $"{p.Width}x{p.Height}"),
            ("Model hash", p.ModelHash),
            ("Model", p.ModelName),
        };
        if (p.Subseed is { } subseed)
        {
            settings.Add(("Variation seed", Num(subseed)));
            settings.Add(("Variation seed strength", Num(p.SubseedStrength)));
        }
        if (p.Strength is { } strength) settings.Add(("Denoising strength", Num(strength)));
        if (p.ClipSkip != 1) settings.Add(("Clip skip", Num(p.ClipSkip)));
        if (p.Tiling) settings.Add(("Tiling", "True"));
        if (p.LoraHashes.Count > 0) settings.Add(("Lora hashes", HashList(p.LoraHashes)));
        if (p.EmbeddingHashes.Count > 0) settings.Add(("TI hashes", HashList(p.EmbeddingHashes)));
        if (batchSize > 1)
        {
            settings.Add(("Batch size", Num(batchSize)));
            settings.Add(("Batch pos", Num(image.BatchIndex)));
        }
        if (p.TimestepSpacing is { } spacing) settings.Add(("Timestep spacing", spacing));
        settings.Add(("Dtype", p.DType));
        settings.Add(("Device", p.Device));
        settings.Add(("Version", $"SdWeb {p.EngineVersion}"));

        var text = image.Prompt;
        if (image.NegativePrompt.Length > 0) text += $"\nNegative prompt: {image.NegativePrompt}";
        return text + "\n" + string.Join(", ", settings.Select(s => $"{s.Key}: {Quote(s.Value)}"));
    }

    /// <summary>Reads the text the way A1111's parse_generation_parameters does.</summary>
    public static ImageParameters Parse(string text)
    {
        var lines = text.Trim().Split('\n').ToList();
        var settingsLine = lines[^1];
        lines.RemoveAt(lines.Count - 1);
        if (SettingPattern().Count(settingsLine) < 3)
        {
            lines.Add(settingsLine);
            settingsLine = "";
        }

        string prompt = "", negative = "";
        bool inNegative = false;
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.StartsWith("Negative prompt:", StringComparison.Ordinal))
            {
                inNegative = true;
                line = line["Negative prompt:".Length..].Trim();
            }
            if (inNegative) negative += (negative.Length == 0 ? "" : "\n") + line;
            else prompt += (prompt.Length == 0 ? "" : "\n") + line;
        }

        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match m in SettingPattern().Matches(settingsLine))
        {
            var value = m.Groups[2].Value;
            if (value.Length >= 2 && value[0] == '"' && value[^1] == '"') value = Unquote(value);
            settings[m.Groups[1].Value.Trim()] = value.Trim();
        }

        var size = settings.TryGetValue("Size", out var s) ? SizePattern().Match(s) : Match.Empty;
        return new ImageParameters
        {
            Prompt = prompt,
            NegativePrompt = negative,
            Steps = Int(settings, "Steps"),
            Sampler = settings.TryGetValue("Sampler", out var sampler) ? SamplerNames.FromA1111(sampler) : null,
            CfgScale = Double(settings, "CFG scale"),
            Seed = settings.TryGetValue("Seed", out var seed) && long.TryParse(seed, CultureInfo.InvariantCulture, out var sv) ? sv : null,
            Width = size.Success ? int.Parse(size.Groups[1].Value, CultureInfo.InvariantCulture) : null,
            Height = size.Success ? int.Parse(size.Groups[2].Value, CultureInfo.InvariantCulture) : null,
            ModelHash = settings.GetValueOrDefault("Model hash"),
            ModelName = settings.GetValueOrDefault("Model"),
            DenoisingStrength = Double(settings, "Denoising strength"),
            Tiling = settings.TryGetValue("Tiling", out var tiling) && tiling.Equals("True", StringComparison.OrdinalIgnoreCase),
            Settings = settings,
        };
    }

    private static string Quote(string value) =>
        value.Contains(',') || value.Contains(':') || value.Contains('\n') ? JsonSerializer.Serialize(value) : value;

    private static string Unquote(string value)
    {
        try { return JsonSerializer.Deserialize<string>(value) ?? value; }
        catch (JsonException) { return value; }
    }

    /// <summary>"name: hash, name: hash", names without ':' and ',' as A1111 writes them.</summary>
    private static string HashList(IReadOnlyList<NetworkHash> hashes) =>
        string.Join(", ", hashes.Select(h => $"{h.Name.Replace(":", "").Replace(",", "")}: {h.ShortHash}"));

    private static string Num(double v) => v.ToString(CultureInfo.InvariantCulture);

    private static int? Int(Dictionary<string, string> settings, string key) =>
        settings.TryGetValue(key, out var v) && int.TryParse(v, CultureInfo.InvariantCulture, out var i) ? i : null;

    private static double? Double(Dictionary<string, string> settings, string key) =>
        settings.TryGetValue(key, out var v) && double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;

    // A1111's re_param_code and re_imagesize.
    [GeneratedRegex("""\s*(\w[\w \-/]+):\s*("(?:\\.|[^\\"])+"|[^,]*)(?:,|$)""")]
    private static partial Regex SettingPattern();

    [GeneratedRegex(@"^(\d+)x(\d+)$")]
    private static partial Regex SizePattern();
}
