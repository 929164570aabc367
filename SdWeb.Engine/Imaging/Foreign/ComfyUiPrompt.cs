using System.Text.Json;
using System.Text.Json.Nodes;
using SdWeb.Engine.Pipelines;

namespace SdWeb.Engine.Imaging.Foreign;

/// <summary>
/// ComfyUI's "prompt" PNG text: the executed graph as JSON, node id → {"class_type", "inputs"}, where an input is a value
/// or a link ["node id", output slot]. The KSampler (or KSamplerAdvanced) node gives seed, steps, cfg, sampler and
/// scheduler; its positive/negative links lead to the prompts' text, its latent_image to the EmptyLatentImage's size.
/// </summary>
internal static class ComfyUiPrompt
{
    private const int MaxDepth = 16;

    /// <summary>ComfyUI sampler names with an engine counterpart; the "karras" scheduler picks the _karras variant.</summary>
    private static readonly Dictionary<string, string> Samplers = new(StringComparer.Ordinal)
    {
        ["euler"] = "euler", ["euler_ancestral"] = "euler_a", ["heun"] = "heun", ["lms"] = "lms", ["ddim"] = "ddim",
        ["dpmpp_2m"] = "dpmpp_2m", ["dpmpp_2m_sde"] = "dpmpp_2m_sde", ["uni_pc"] = "unipc", ["uni_pc_bh2"] = "unipc",
    };

    public static ImageParameters? Parse(string json)
    {
        JsonObject? graph;
        try { graph = JsonNode.Parse(json) as JsonObject; }
        catch (JsonException) { return null; }
        var sampler = graph?.Select(n => n.Value as JsonObject)
            .FirstOrDefault(n => ClassOf(n) is "KSampler" or "KSamplerAdvanced");
        if (graph is null || sampler?["inputs"] is not JsonObject inputs) return null;

        var samplerName = Value(graph, inputs["sampler_name"], 0)?.ToString();
        var scheduler = Value(graph, inputs["scheduler"], 0)?.ToString();
        var latent = Source(graph, inputs["latent_image"], "EmptyLatentImage", "samples");
        var checkpoint = Source(graph, inputs["model"], "CheckpointLoaderSimple", "model")?["ckpt_name"]?.ToString();
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        if (samplerName is not null) settings["Sampler"] = samplerName;
        if (scheduler is not null) settings["Schedule type"] = scheduler;
        if (checkpoint is not null) settings["Model"] = checkpoint;
        return new ImageParameters
        {
            Generator = "ComfyUI",
            Prompt = Text(graph, inputs["positive"], 0) ?? "",
            NegativePrompt = Text(graph, inputs["negative"], 0) ?? "",
            Seed = Number(Value(graph, inputs["seed"] ?? inputs["noise_seed"], 0)) is { } seed ? (long)seed : null,
            Steps = Number(Value(graph, inputs["steps"], 0)) is { } steps ? (int)steps : null,
            CfgScale = Number(Value(graph, inputs["cfg"], 0)),
            Sampler = SamplerOf(samplerName, scheduler),
            Width = Number(latent?["width"]) is { } width ? (int)width : null,
            Height = Number(latent?["height"]) is { } height ? (int)height : null,
            ModelName = checkpoint is null ? null : Path.GetFileNameWithoutExtension(checkpoint),
            Settings = settings,
        };
    }

    /// <summary>"dpmpp_2m" + "karras" → "dpmpp_2m_karras"; null when the engine has no such sampler.</summary>
    public static string? SamplerOf(string? sampler, string? scheduler)
    {
        if (sampler is null || !Samplers.TryGetValue(sampler, out var name)) return null;
        if (scheduler == "karras") name += "_karras";
        return SamplerNames.All.Contains(name) ? name : null;
    }

    private static string? ClassOf(JsonObject? node) => node?["class_type"]?.GetValueKind() == JsonValueKind.String ? node["class_type"]!.GetValue<string>() : null;

    /// <summary>The node a link ["id", slot] points to.</summary>
    private static JsonObject? Follow(JsonObject graph, JsonNode? link) =>
        link is JsonArray { Count: 2 } pair && pair[0]?.ToString() is { } id ? graph[id] as JsonObject : null;

    /// <summary>An input's value, following links to the node that holds it (a primitive "seed"/"value" node).</summary>
    private static JsonNode? Value(JsonObject graph, JsonNode? input, int depth)
    {
        if (input is not JsonArray) return input;
        if (depth > MaxDepth || Follow(graph, input)?["inputs"] is not JsonObject inputs) return null;
        return new[] { "seed", "noise_seed", "value", "int", "float", "string", "text" }
            .Select(key => inputs[key]).Where(v => v is not null).Select(v => Value(graph, v, depth + 1)).FirstOrDefault(v => v is not null);
    }

    /// <summary>A prompt's text: the CLIPTextEncode behind a conditioning link (through nodes that pass conditioning on).</summary>
    private static string? Text(JsonObject graph, JsonNode? link, int depth)
    {
        if (depth > MaxDepth || Follow(graph, link)?["inputs"] is not JsonObject inputs) return null;
        if (inputs["text"] is JsonValue text && text.GetValueKind() == JsonValueKind.String) return text.GetValue<string>();
        if (inputs["text"] is JsonArray) return Value(graph, inputs["text"], depth + 1)?.ToString();
        return new[] { "conditioning", "conditioning_1", "conditioning_to" }
            .Select(key => Text(graph, inputs[key], depth + 1)).FirstOrDefault(t => t is not null);
    }

    /// <summary>The inputs of the node of class <paramref name="wanted"/> behind a link, following <paramref name="through"/> inputs.</summary>
    private static JsonObject? Source(JsonObject graph, JsonNode? link, string wanted, string through)
    {
        for (int depth = 0; depth <= MaxDepth; depth++)
        {
            var node = Follow(graph, link);
            if (node?["inputs"] is not JsonObject inputs) return null;
            if (ClassOf(node) == wanted) return inputs;
            link = inputs[through];
        }
        return null;
    }

    private static double? Number(JsonNode? node) => node is JsonValue value && value.GetValueKind() == JsonValueKind.Number ? value.GetValue<double>() : null;
}
