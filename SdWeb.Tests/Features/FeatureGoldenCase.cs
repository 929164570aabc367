using System.Text.Json;
using SdWeb.Engine.Imaging;
using SdWeb.Engine.Pipelines;
using SdWeb.Engine.Pipelines.Validation;
using SdWeb.Tests.Support;

namespace SdWeb.Tests.Features;

/// <summary>One entry of features/cases.json, turned into the request the CLI would build for it.</summary>
public sealed record FeatureGoldenCase(string Name, JsonElement Json)
{
    private static readonly Lazy<IReadOnlyList<FeatureGoldenCase>> Cases = new(() =>
    {
        // Python's json writes -Infinity (lambda_min_clipped), which is not JSON; quote such literals.
        var text = System.Text.RegularExpressions.Regex.Replace(
            File.ReadAllText(Golden.PathOf("features", "cases.json")), @":\s*(-?Infinity|NaN)\b", ": \"$1\"");
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.GetProperty("cases").EnumerateArray()
            .Select(c => new FeatureGoldenCase(c.GetProperty("name").GetString()!, c.Clone())).ToList();
    });

    public static FeatureGoldenCase Named(string name) => Cases.Value.Single(c => c.Name == name);

    public long Seed => Json.GetProperty("seed").GetInt64();

    public string TensorsFile => Json.GetProperty("files").GetProperty("tensors").GetString()!;

    public IReadOnlyList<string> PngFiles => Json.GetProperty("files").GetProperty("png").EnumerateArray().Select(e => e.GetString()!).ToList();

    /// <summary>The a1111_* cases give the A1111 texts; the others the diffusers ones.</summary>
    private string PromptText(string a1111Key, string key) =>
        Json.TryGetProperty(a1111Key, out var a) ? a.GetString()! :
        Json.TryGetProperty(key, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString()! : "";

    /// <summary>The case's request; the caller disposes its init image.</summary>
    public GenerationRequest ToRequest() => new()
    {
        Prompts = [PromptText("a1111_prompt", "prompt")],
        NegativePrompts = [PromptText("a1111_negative_prompt", "negative_prompt")],
        Sampler = SamplerOf(Json.GetProperty("scheduler_class").GetString()!),
        Steps = Json.GetProperty("steps").GetInt32(),
        CfgScale = Json.GetProperty("guidance_scale").GetDouble(),
        Seed = Seed,
        Width = Json.GetProperty("width").GetInt32(),
        Height = Json.GetProperty("height").GetInt32(),
        Strength = Json.TryGetProperty("strength", out var s) ? s.GetDouble() : 0.8,
        // Paths in cases.json are relative to the folder that holds shared/.
        InitImage = Json.TryGetProperty("init_image_path", out var init) && init.ValueKind == JsonValueKind.String
            ? InitImageReader.Read(Path.Combine(Golden.Dir, "..", "..", init.GetString()!), GenerationLimits.Default)
            : null,
    };

    private static string SamplerOf(string schedulerClass) => schedulerClass switch
    {
        "LMSDiscreteScheduler" => "lms",
        "EulerDiscreteScheduler" => "euler",
        "EulerAncestralDiscreteScheduler" => "euler_a",
        "DPMSolverMultistepScheduler" => "dpmpp_2m",
        var other => throw new InvalidOperationException($"No sampler for {other}"),
    };

    public override string ToString() => Name;
}
