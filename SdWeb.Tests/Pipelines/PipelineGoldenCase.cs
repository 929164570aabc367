using System.Text.Json;
using SdWeb.Engine.Imaging;
using SdWeb.Engine.Pipelines;
using SdWeb.Engine.Pipelines.Validation;
using SdWeb.Tests.Support;

namespace SdWeb.Tests.Pipelines;

/// <summary>One entry of pipelines/cases.json, turned into the request the CLI would build for it.</summary>
public sealed record PipelineGoldenCase(string Name, JsonElement Json)
{
    private static readonly Lazy<IReadOnlyList<PipelineGoldenCase>> Cases = new(() =>
    {
        // Python's json writes -Infinity (lambda_min_clipped), which is not JSON; quote such literals.
        var text = System.Text.RegularExpressions.Regex.Replace(
            File.ReadAllText(Golden.PathOf("pipelines", "cases.json")), @":\s*(-?Infinity|NaN)\b", ": \"$1\"");
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.GetProperty("cases").EnumerateArray()
            .Select(c => new PipelineGoldenCase(c.GetProperty("name").GetString()!, c.Clone())).ToList();
    });

    public static IReadOnlyList<PipelineGoldenCase> All => Cases.Value;

    public static PipelineGoldenCase Named(string name) => All.Single(c => c.Name == name);

    public static IEnumerable<object[]> Names() => All.Select(c => new object[] { c.Name });

    public long Seed => Json.GetProperty("seed").GetInt64();

    public IReadOnlyList<string> PngFiles => Json.GetProperty("files").GetProperty("png").EnumerateArray().Select(e => e.GetString()!).ToList();

    public string TensorsFile => Json.GetProperty("files").GetProperty("tensors").GetString()!;

    public bool Omits(string tensor) =>
        Json.TryGetProperty("omitted_tensors", out var omitted) && omitted.EnumerateArray().Any(e => e.GetString() == tensor);

    /// <summary>The case's request; the caller disposes its init image.</summary>
    public GenerationRequest ToRequest() => new()
    {
        Prompts = Strings(Json.GetProperty("prompt")),
        NegativePrompts = Json.TryGetProperty("negative_prompt", out var n) ? Strings(n) : [],
        Sampler = SamplerOf(Json),
        Steps = Json.GetProperty("steps").GetInt32(),
        CfgScale = Json.GetProperty("guidance_scale").GetDouble(),
        Seed = Seed,
        Width = Json.GetProperty("width").GetInt32(),
        Height = Json.GetProperty("height").GetInt32(),
        ImagesPerPrompt = Json.GetProperty("num_images_per_prompt").GetInt32(),
        Strength = Json.TryGetProperty("strength", out var s) ? s.GetDouble() : 0.8,
        InitImage = Json.TryGetProperty("init_image_file", out var init)
            ? InitImageReader.Read(Golden.PathOf("pipelines", init.GetString()!), GenerationLimits.Default)
            : null,
    };

    private static IReadOnlyList<string> Strings(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Null => [],
        JsonValueKind.String => [e.GetString()!],
        _ => e.EnumerateArray().Select(x => x.GetString()!).ToList(),
    };

    /// <summary>The diffusers class (+ use_karras_sigmas) → the engine's sampler name.</summary>
    private static string SamplerOf(JsonElement json)
    {
        var karras = json.GetProperty("scheduler_config").TryGetProperty("use_karras_sigmas", out var k) && k.GetBoolean();
        return json.GetProperty("scheduler_class").GetString() switch
        {
            "LMSDiscreteScheduler" => "lms",
            "EulerDiscreteScheduler" => "euler",
            "EulerAncestralDiscreteScheduler" => "euler_a",
            "HeunDiscreteScheduler" => "heun",
            "DDIMScheduler" => "ddim",
            "PNDMScheduler" => "pndm",
            "DPMSolverMultistepScheduler" => karras ? "dpmpp_2m_karras" : "dpmpp_2m",
            "UniPCMultistepScheduler" => "unipc",
            var other => throw new InvalidOperationException($"No sampler for {other}"),
        };
    }

    public override string ToString() => Name;
}
