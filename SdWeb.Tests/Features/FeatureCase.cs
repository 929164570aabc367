using System.Text.Json;
using System.Text.RegularExpressions;
using SdWeb.Engine.Imaging;
using SdWeb.Engine.Networks;
using SdWeb.Engine.Pipelines;
using SdWeb.Engine.Pipelines.Validation;
using SdWeb.Tests.Support;

namespace SdWeb.Tests.Features;

/// <summary>
/// One entry of features/cases.json and the request the engine gets for it: prompts, size, batch, the sampler
/// (diffusers class + scheduler_kwargs → engine name), the timestep-spacing override, A1111 variation seeds, the init
/// image, LoRAs and diffusers-loaded embeddings. Mask and hires-fix cases add theirs in <see cref="FeatureGoldenRequests"/>.
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

    public string PngFile => PngFiles[0];

    /// <summary>The request with diffusers' prompt texts (the case's <c>prompt</c>/<c>negative_prompt</c>); the caller disposes its init image.</summary>
    public GenerationRequest ToRequest() => Request(Text("prompt"), Text("negative_prompt"));

    /// <summary>The request with the texts AUTOMATIC1111 was given (<c>a1111_prompt</c>…) where the case has them.</summary>
    public GenerationRequest ToA1111Request() =>
        Request(Text("a1111_prompt") ?? Text("prompt"), Text("a1111_negative_prompt") ?? Text("negative_prompt"));

    private GenerationRequest Request(string? prompt, string? negative) => new()
    {
        Prompts = [prompt ?? ""],
        NegativePrompts = negative is null ? [] : [negative],
        Sampler = Sampler,
        TimestepSpacing = Kwarg("timestep_spacing")?.GetString(),
        Steps = Json.GetProperty("steps").GetInt32(),
        CfgScale = Json.GetProperty("guidance_scale").GetDouble(),
        Seed = Seed,
        Subseed = Json.TryGetProperty("subseed", out var sub) ? sub.GetInt64() : null,
        SubseedStrength = Json.TryGetProperty("subseed_strength", out var subStrength) ? subStrength.GetDouble() : 0,
        Width = Json.GetProperty("width").GetInt32(),
        Height = Json.GetProperty("height").GetInt32(),
        ImagesPerPrompt = Json.TryGetProperty("num_images_per_prompt", out var count) ? count.GetInt32() : 1,
        Strength = Json.TryGetProperty("strength", out var strength) ? strength.GetDouble() : 0.8,
        InitImage = Text("init_image_path") is { } init ? InitImageReader.Read(GoldenPath(init), GenerationLimits.Default) : null,
        Loras = Loras,
        Embeddings = Embeddings,
    };

    /// <summary>The case's LoRAs, their paths (relative to the steering repository) mapped into the golden folder.</summary>
    public IReadOnlyList<NetworkActivation> Loras => Json.TryGetProperty("loras", out var loras)
        ? loras.EnumerateArray().Select(l => new NetworkActivation(
            l.GetProperty("name").GetString()!, GoldenPath(l.GetProperty("path").GetString()!), l.GetProperty("multiplier").GetDouble())).ToList()
        : [];

    /// <summary>The embedding of a textual-inversion case run through diffusers' own prompt path (load_textual_inversion).</summary>
    public IReadOnlyList<string> Embeddings =>
        Json.TryGetProperty("embedding", out var embedding) && Text("method") == "diffusers"
            ? [GoldenPath(embedding.GetProperty("path").GetString()!)]
            : [];

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

    /// <summary>"shared/golden/features/lora/x.safetensors" → the file in this machine's golden folder.</summary>
    public static string GoldenPath(string steeringPath)
    {
        const string prefix = "shared/golden/";
        Assert.StartsWith(prefix, steeringPath);
        return Golden.PathOf(steeringPath[prefix.Length..].Split('/'));
    }

    private string? Text(string key) => Json.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private JsonElement? Kwarg(string name) =>
        Json.TryGetProperty("scheduler_kwargs", out var kwargs) && kwargs.TryGetProperty(name, out var value) ? value : null;

    [GeneratedRegex(@":\s*(-?Infinity|NaN)\b")]
    private static partial Regex PythonNonFinite();

    public override string ToString() => Name;
}
