namespace SdWeb.Engine.Imaging;

/// <summary>
/// What an image's metadata says about how it was made: an AUTOMATIC1111-style "parameters" text, or ComfyUI's or
/// InvokeAI's metadata read into the same fields. Fields are null when the text lacks them;
/// <see cref="Settings"/> keeps every "Key: value" of the settings line as written (also the ones without a field here).
/// <see cref="Sampler"/> is the engine's name (euler_a), null when the text names a sampler the engine lacks.
/// </summary>
public sealed record ImageParameters
{
    /// <summary>What wrote the metadata: AUTOMATIC1111 (also SdWeb), ComfyUI or InvokeAI.</summary>
    public string Generator { get; init; } = "AUTOMATIC1111";

    public string Prompt { get; init; } = "";
    public string NegativePrompt { get; init; } = "";
    public int? Steps { get; init; }
    public string? Sampler { get; init; }
    public double? CfgScale { get; init; }
    public long? Seed { get; init; }
    public int? Width { get; init; }
    public int? Height { get; init; }
    public string? ModelHash { get; init; }
    public string? ModelName { get; init; }
    public double? DenoisingStrength { get; init; }

    /// <summary>AUTOMATIC1111's "Tiling: True".</summary>
    public bool Tiling { get; init; }
    /// <summary>"Variation seed" and "Variation seed strength".</summary>
    public long? Subseed { get; init; }
    public double? SubseedStrength { get; init; }

    /// <summary>"Hires upscale" or "Hires resize", "Hires steps", "Hires upscaler", with "Denoising strength" as its strength.</summary>
    public Pipelines.Hires.HiresFix? Hires { get; init; }

    /// <summary>Inpainting: "Mask blur", "Mask mode: Inpaint not masked", "Inpaint area: Only masked", "Masked area padding".</summary>
    public int? MaskBlur { get; init; }
    public bool InvertMask { get; init; }
    public bool InpaintOnlyMasked { get; init; }
    public int? InpaintPadding { get; init; }
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();
}
