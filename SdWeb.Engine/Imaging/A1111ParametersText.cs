using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using SdWeb.Engine.Networks;
using SdWeb.Engine.Pipelines;
using SdWeb.Engine.Pipelines.Hires;

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
        if (p.VaeHash is { } vaeHash) settings.Add(("VAE hash", vaeHash));
        if (p.Vae is { } vae) settings.Add(("VAE", vae));
        if (p.Subseed is { } subseed)
        {
            settings.Add(("Variation seed", Num(subseed)));
            settings.Add(("Variation seed strength", Num(p.SubseedStrength)));
        }
        // A1111 writes the hires pass's strength under the same key as img2img's.
        if ((p.Strength ?? p.Hires?.Denoise) is { } strength) settings.Add(("Denoising strength", Num(strength)));
        AddInpainting(settings, p);
        AddHires(settings, p.Hires);
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

    private static void AddInpainting(List<(string Key, string Value)> settings, GenerationParameters p)
    {
        if (p.MaskBlur is { } blur) settings.Add(("Mask blur", Num(blur)));
        if (p.InvertMask) settings.Add(("Mask mode", InvertedMaskMode));
        if (p.InpaintOnlyMaskedPadding is { } padding)
        {
            settings.Add(("Inpaint area", OnlyMaskedArea));
            settings.Add(("Masked area padding", Num(padding)));
        }
    }

    /// <summary>As A1111's calculate_target_resolution: "Hires resize" for an explicit target, else "Hires upscale"; steps only when set.</summary>
    private static void AddHires(List<(string Key, string Value)> settings, HiresFix? hires)
    {
        if (hires is null) return;
        if (hires is { TargetWidth: { } width, TargetHeight: { } height }) settings.Add(("Hires resize", $"{width}x{height}"));
        else settings.Add(("Hires upscale", Num(hires.Scale)));
        if (hires.Steps > 0) settings.Add(("Hires steps", Num(hires.Steps)));
        settings.Add(("Hires upscaler", HiresFix.A1111Name(hires.Upscaler)));
    }

    private const string InvertedMaskMode = "Inpaint not masked", OnlyMaskedArea = "Only masked";

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
            Subseed = settings.TryGetValue("Variation seed", out var sub) && long.TryParse(sub, CultureInfo.InvariantCulture, out var subv) ? subv : null,
            SubseedStrength = Double(settings, "Variation seed strength"),
            Hires = ParseHires(settings),
            MaskBlur = Int(settings, "Mask blur"),
            InvertMask = settings.GetValueOrDefault("Mask mode") == InvertedMaskMode,
            InpaintOnlyMasked = settings.GetValueOrDefault("Inpaint area") == OnlyMaskedArea,
            InpaintPadding = Int(settings, "Masked area padding"),
            Settings = settings,
        };
    }

    /// <summary>The hires fix the text describes; null without one, or with an upscaler SdWeb lacks (an ESRGAN, say).</summary>
    private static HiresFix? ParseHires(Dictionary<string, string> settings)
    {
        var resize = settings.TryGetValue("Hires resize", out var r) ? SizePattern().Match(r) : Match.Empty;
        if (!settings.ContainsKey("Hires upscale") && !resize.Success) return null;
        var upscaler = settings.TryGetValue("Hires upscaler", out var name) ? HiresFix.ParseUpscaler(name) : HiresUpscaler.Latent;
        if (upscaler is null) return null;
        var defaults = new HiresFix();
        return new HiresFix
        {
            Upscaler = upscaler.Value,
            Scale = Double(settings, "Hires upscale") ?? defaults.Scale,
            Steps = Int(settings, "Hires steps") ?? 0,
            Denoise = Double(settings, "Denoising strength") ?? defaults.Denoise,
            TargetWidth = resize.Success ? int.Parse(resize.Groups[1].Value, CultureInfo.InvariantCulture) : null,
            TargetHeight = resize.Success ? int.Parse(resize.Groups[2].Value, CultureInfo.InvariantCulture) : null,
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
