using System.Text.Json;
using System.Text.RegularExpressions;
using SdWeb.Engine.Pipelines;
using SdWeb.Tests.Support;

namespace SdWeb.Tests.Features;

/// <summary>
/// One entry of features/cases.json and the txt2img request the CLI would build for it: prompts, size, batch, the
/// sampler (diffusers class + scheduler_kwargs → engine name), the timestep-spacing override and A1111 variation seeds.
/// </summary>
public sealed partial record FeatureCase(string Name, JsonElement Json)
{
    private static readonly Lazy<IReadOnlyList<FeatureCase>> Cases = new(() =>
    {
        // Python's json writes -Infinity (lambda_min_clipped), which is not JSON; quote such literals.
        var text = PythonNonFinite().Replace(File.ReadAllText(Golden.PathOf("features", "cases.json")), ": \"$1\"");
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.GetProperty("cases").EnumerateArray()
            .Select(c => new FeatureCase(c.GetProperty("name").GetString()!, c.Clone())).ToList();
    });

    public static FeatureCase Named(string name) => Cases.Value.Single(c => c.Name == name);

    public long Seed => Json.GetProperty("seed").GetInt64();

    public string TensorsFile => Json.GetProperty("files").GetProperty("tensors").GetString()!;

    public IReadOnlyList<string> PngFiles => Json.GetProperty("files").GetProperty("png").EnumerateArray().Select(e => e.GetString()!).ToList();

    public GenerationRequest ToTxt2ImgRequest() => new()
    {
        Prompts = [Json.GetProperty("prompt").GetString()!],
        NegativePrompts = Json.GetProperty("negative_prompt") is { ValueKind: JsonValueKind.String } n ? [n.GetString()!] : [],
        Sampler = Sampler,
        TimestepSpacing = Kwarg("timestep_spacing")?.GetString(),
        Steps = Json.GetProperty("steps").GetInt32(),
        CfgScale = Json.GetProperty("guidance_scale").GetDouble(),
        Seed = Seed,
        Subseed = Json.TryGetProperty("subseed", out var sub) ? sub.GetInt64() : null,
        SubseedStrength = Json.TryGetProperty("subseed_strength", out var strength) ? strength.GetDouble() : 0,
        Width = Json.GetProperty("width").GetInt32(),
        Height = Json.GetProperty("height").GetInt32(),
        ImagesPerPrompt = Json.GetProperty("num_images_per_prompt").GetInt32(),
    };

    /// <summary>The engine's name for the case's diffusers scheduler class and kwargs.</summary>
    public string Sampler
    {
        get
        {
            var karras = Kwarg("use_karras_sigmas")?.GetBoolean() == true ? "_karras" : "";
            var sde = Kwarg("algorithm_type")?.GetString() == "sde-dpmsolver++";
            return Json.GetProperty("scheduler_class").GetString() switch
            {
                "LMSDiscreteScheduler" => "lms" + karras,
                "EulerDiscreteScheduler" => "euler" + karras,
                "EulerAncestralDiscreteScheduler" => "euler_a",
                "HeunDiscreteScheduler" => "heun" + karras,
                "DDIMScheduler" => "ddim",
                "DPMSolverMultistepScheduler" => (sde ? "dpmpp_2m_sde" : "dpmpp_2m") + karras,
                "UniPCMultistepScheduler" => "unipc" + karras,
                var other => throw new InvalidOperationException($"No sampler for {other}"),
            };
        }
    }

    private JsonElement? Kwarg(string name) =>
        Json.TryGetProperty("scheduler_kwargs", out var kwargs) && kwargs.TryGetProperty(name, out var value) ? value : null;

    [GeneratedRegex(@":\s*(-?Infinity|NaN)\b")]
    private static partial Regex PythonNonFinite();

    public override string ToString() => Name;
}
