using System.Text.Json;
using System.Text.Json.Serialization;

namespace SdWeb.Api.A1111;

/// <summary>
/// The body of AUTOMATIC1111's <c>POST /sdapi/v1/txt2img</c> and <c>img2img</c> (its modules/api/models.py), the fields
/// SdWeb reads by name; every other field lands in <see cref="Other"/> and is answered with a warning.
/// What each field does here is written down in docs/a1111-api.md.
/// </summary>
public sealed record A1111Payload
{
    public string Prompt { get; init; } = "";
    public string NegativePrompt { get; init; } = "";
    public long Seed { get; init; } = -1;
    public long Subseed { get; init; } = -1;
    public double SubseedStrength { get; init; }
    public string? SamplerName { get; init; }
    public string? SamplerIndex { get; init; }
    public string? Scheduler { get; init; }
    public int BatchSize { get; init; } = 1;

    [JsonPropertyName("n_iter")]
    public int NIter { get; init; } = 1;

    public int Steps { get; init; } = 50;
    public double CfgScale { get; init; } = 7.0;
    public int Width { get; init; } = 512;
    public int Height { get; init; } = 512;
    public bool RestoreFaces { get; init; }
    public bool Tiling { get; init; }
    public bool EnableHr { get; init; }
    public IReadOnlyList<string>? Styles { get; init; }
    public string? ScriptName { get; init; }
    public Dictionary<string, JsonElement>? AlwaysonScripts { get; init; }
    public Dictionary<string, JsonElement>? OverrideSettings { get; init; }
    public bool SendImages { get; init; } = true;
    public bool SaveImages { get; init; }

    /// <summary>img2img: the source image(s) as base64 (data URLs accepted); SdWeb uses the first.</summary>
    public IReadOnlyList<string>? InitImages { get; init; }
    public double DenoisingStrength { get; init; } = 0.75;
    public int ResizeMode { get; init; }

    /// <summary>img2img inpainting, with AUTOMATIC1111's defaults (its API's: "Only masked" with no padding).</summary>
    public string? Mask { get; init; }
    public int MaskBlur { get; init; } = 4;
    public int InpaintingMaskInvert { get; init; }
    public bool InpaintFullRes { get; init; } = true;
    public int InpaintFullResPadding { get; init; }
    public int InpaintingFill { get; init; }

    /// <summary>txt2img hires fix (<see cref="EnableHr"/>); its strength is <see cref="DenoisingStrength"/>.</summary>
    public double HrScale { get; init; } = 2.0;
    public string? HrUpscaler { get; init; }
    public int HrSecondPassSteps { get; init; }
    public int HrResizeX { get; init; }
    public int HrResizeY { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Other { get; init; }
}
