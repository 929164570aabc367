using System.Text.Json;
using System.Text.Json.Nodes;
using SdWeb.Engine.Pipelines;

namespace SdWeb.Engine.Imaging.Foreign;

/// <summary>
/// InvokeAI's PNG metadata: "invokeai_metadata" (3.x and later: its core metadata node's fields positive_prompt,
/// negative_prompt, seed, steps, cfg_scale, width, height, scheduler, model) and "sd-metadata" (2.x: an "image" object
/// with prompt, seed, steps, cfg_scale, width, height, sampler).
/// </summary>
internal static class InvokeAiMetadata
{
    public const string CoreKeyword = "invokeai_metadata";
    public const string LegacyKeyword = "sd-metadata";

    public static ImageParameters? ParseCore(string json)
    {
        if (ParseObject(json) is not { } m) return null;
        var scheduler = String(m["scheduler"]);
        var model = m["model"] is JsonObject modelObject ? String(modelObject["model_name"]) ?? String(modelObject["name"]) : String(m["model"]);
        return new ImageParameters
        {
            Generator = "InvokeAI",
            Prompt = String(m["positive_prompt"]) ?? "",
            NegativePrompt = String(m["negative_prompt"]) ?? "",
            Seed = Long(m["seed"]),
            Steps = (int?)Long(m["steps"]),
            CfgScale = Double(m["cfg_scale"]),
            Width = (int?)Long(m["width"]),
            Height = (int?)Long(m["height"]),
            Sampler = SchedulerOf(scheduler),
            ModelName = model,
            Settings = Settings(scheduler, model),
        };
    }

    public static ImageParameters? ParseLegacy(string json)
    {
        if (ParseObject(json)?["image"] is not JsonObject image) return null;
        // 2.x keeps the prompt as text or as a list of weighted parts.
        var prompt = image["prompt"] is JsonArray parts
            ? string.Join(" ", parts.Select(p => String(p?["prompt"])).Where(p => p is not null))
            : String(image["prompt"]) ?? "";
        var sampler = String(image["sampler"]);
        return new ImageParameters
        {
            Generator = "InvokeAI",
            Prompt = prompt,
            Seed = Long(image["seed"]),
            Steps = (int?)Long(image["steps"]),
            CfgScale = Double(image["cfg_scale"]),
            Width = (int?)Long(image["width"]),
            Height = (int?)Long(image["height"]),
            Sampler = sampler is null ? null : SchedulerOf(sampler == "plms" ? "pndm" : sampler.StartsWith("k_", StringComparison.Ordinal) ? sampler[2..] : sampler),
            Settings = Settings(sampler, null),
        };
    }

    /// <summary>InvokeAI's scheduler names: "_k" marks Karras sigmas ("dpmpp_2m_k" → "dpmpp_2m_karras"); null when the engine lacks it.</summary>
    private static string? SchedulerOf(string? scheduler)
    {
        if (scheduler is null) return null;
        var name = scheduler.EndsWith("_k", StringComparison.Ordinal) ? scheduler[..^2] + "_karras" : scheduler;
        return SamplerNames.All.Contains(name) ? name : null;
    }

    private static Dictionary<string, string> Settings(string? sampler, string? model)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        if (sampler is not null) settings["Sampler"] = sampler;
        if (model is not null) settings["Model"] = model;
        return settings;
    }

    private static JsonObject? ParseObject(string json)
    {
        try { return JsonNode.Parse(json) as JsonObject; }
        catch (JsonException) { return null; }
    }

    private static string? String(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static double? Double(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? v.GetValue<double>() : null;

    private static long? Long(JsonNode? node) => Double(node) is { } d ? (long)d : null;
}
