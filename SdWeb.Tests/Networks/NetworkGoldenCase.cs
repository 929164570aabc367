using System.Text.Json;
using System.Text.RegularExpressions;
using SdWeb.Engine.Networks;
using SdWeb.Engine.Pipelines;
using SdWeb.Tests.Pipelines;
using SdWeb.Tests.Support;

namespace SdWeb.Tests.Networks;

/// <summary>A LoRA or (diffusers-syntax) textual-inversion case of features/cases.json, as the request the engine gets for it.</summary>
public sealed record NetworkGoldenCase(string Name, JsonElement Json)
{
    private static readonly Lazy<IReadOnlyList<NetworkGoldenCase>> Cases = new(() =>
    {
        // Python's json writes -Infinity (lambda_min_clipped), which is not JSON; quote such literals.
        var text = Regex.Replace(File.ReadAllText(Golden.PathOf("features", "cases.json")), @":\s*(-?Infinity|NaN)\b", ": \"$1\"");
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.GetProperty("cases").EnumerateArray()
            .Select(c => new NetworkGoldenCase(c.GetProperty("name").GetString()!, c.Clone())).ToList();
    });

    public static NetworkGoldenCase Named(string name) => Cases.Value.Single(c => c.Name == name);

    public long Seed => Json.GetProperty("seed").GetInt64();

    public string TensorsFile => Json.GetProperty("files").GetProperty("tensors").GetString()!;

    public string PngFile => Json.GetProperty("files").GetProperty("png")[0].GetString()!;

    /// <summary>The case's LoRAs, their paths (relative to the steering repository) mapped into the golden folder.</summary>
    public IReadOnlyList<NetworkActivation> Loras => Json.TryGetProperty("loras", out var loras)
        ? loras.EnumerateArray().Select(l => new NetworkActivation(
            l.GetProperty("name").GetString()!, GoldenPath(l.GetProperty("path").GetString()!), l.GetProperty("multiplier").GetDouble())).ToList()
        : [];

    public GenerationRequest ToRequest() => new()
    {
        Prompts = [Json.GetProperty("prompt").GetString()!],
        NegativePrompts = Json.GetProperty("negative_prompt").ValueKind == JsonValueKind.String ? [Json.GetProperty("negative_prompt").GetString()!] : [],
        Sampler = PipelineGoldenCase.SamplerOf(Json),
        Steps = Json.GetProperty("steps").GetInt32(),
        CfgScale = Json.GetProperty("guidance_scale").GetDouble(),
        Seed = Seed,
        Width = Json.GetProperty("width").GetInt32(),
        Height = Json.GetProperty("height").GetInt32(),
        ImagesPerPrompt = Json.GetProperty("num_images_per_prompt").GetInt32(),
        Loras = Loras,
        Embeddings = Embeddings,
    };

    /// <summary>The embedding of a textual-inversion case run through diffusers' own prompt path (load_textual_inversion).</summary>
    public IReadOnlyList<string> Embeddings =>
        Json.TryGetProperty("embedding", out var embedding) && Json.GetProperty("method").GetString() == "diffusers"
            ? [GoldenPath(embedding.GetProperty("path").GetString()!)]
            : [];

    /// <summary>"shared/golden/features/lora/x.safetensors" → the file in this machine's golden folder.</summary>
    public static string GoldenPath(string steeringPath)
    {
        const string prefix = "shared/golden/";
        Assert.StartsWith(prefix, steeringPath);
        return Golden.PathOf(steeringPath[prefix.Length..].Split('/'));
    }

    public override string ToString() => Name;
}
