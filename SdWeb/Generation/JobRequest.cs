using SdWeb.Engine.Pipelines;
using SdWeb.Engine.Pipelines.Hires;
using SdWeb.Generation.Plots;

namespace SdWeb.Generation;

/// <summary>What a user asks for, from the Generate form or as the JSON body of <c>POST /api/jobs</c>.</summary>
public sealed record JobRequest
{
    public string Prompt { get; init; } = "";
    public string NegativePrompt { get; init; } = "";
    public string Sampler { get; init; } = "euler_a";
    public int Steps { get; init; } = 20;
    public double CfgScale { get; init; } = 7.5;

    /// <summary>Seed of the first image (image i uses Seed + i); null = random.</summary>
    public long? Seed { get; init; }

    public int Width { get; init; } = 512;
    public int Height { get; init; } = 512;
    public int ImageCount { get; init; } = 1;

    /// <summary>AUTOMATIC1111's "Clip skip": 1 = the text encoder's last layer.</summary>
    public int ClipSkip { get; init; } = 1;

    /// <summary>AUTOMATIC1111's tiling: the image tiles seamlessly (circular convolutions).</summary>
    public bool Tiling { get; init; }

    /// <summary>Prompt styles by name, applied in order to the prompt and negative prompt when the job is submitted.</summary>
    public IReadOnlyList<string> Styles { get; init; } = [];

    /// <summary>A1111 for every new job; Plain only to reproduce an image made before the app read A1111 syntax.</summary>
    public PromptSyntax PromptSyntax { get; init; } = PromptSyntax.A1111;

    /// <summary>Model name from the catalog; null = the default model.</summary>
    public string? Model { get; init; }

    /// <summary>A VAE in models/VAE (A1111's <c>sd_vae</c>) to decode with instead of the model's own; null = the model's.</summary>
    public string? Vae { get; init; }

    /// <summary>Img2img: a gallery image to start from, and how much of the schedule runs (0…1].</summary>
    public Guid? SourceImageId { get; init; }
    public double Strength { get; init; } = 0.75;

    /// <summary>AUTOMATIC1111's X/Y/Z plot: one image per cell (<see cref="ImageCount"/> is then the number of cells).</summary>
    public XyzPlot? Plot { get; init; }
    /// <summary>
    /// Inpainting (with <see cref="SourceImageId"/>): the mask as an image file (PNG, …; base64 in JSON) of the source
    /// image's size, white = repaint. Stored with the job and its images, so Reproduce re-applies it exactly.
    /// </summary>
    public byte[]? Mask { get; init; }

    /// <summary>AUTOMATIC1111's mask blur in pixels (its default 4).</summary>
    public int MaskBlur { get; init; } = 4;

    /// <summary>AUTOMATIC1111's "Inpaint not masked".</summary>
    public bool InvertMask { get; init; }

    /// <summary>AUTOMATIC1111's "Only masked" inpaint area, with its padding around the mask.</summary>
    public bool InpaintOnlyMasked { get; init; }
    public int InpaintPadding { get; init; } = 32;

    /// <summary>Keeps the unmasked pixels exactly as they were (AUTOMATIC1111's overlay); on in the app.</summary>
    public bool MaskOverlay { get; init; } = true;

    /// <summary>AUTOMATIC1111's hires fix (txt2img only); null = off.</summary>
    public HiresFix? Hires { get; init; }

    /// <summary>AUTOMATIC1111's variation seed (null with a strength above 0 = random) and its strength in [0, 1].</summary>
    public long? Subseed { get; init; }
    public double SubseedStrength { get; init; }

    /// <summary>Set by Reproduce: the image whose stored parameters this request re-runs.</summary>
    public Guid? ReproducesImageId { get; init; }

    /// <summary>
    /// Set by Reproduce: SdWeb's own kernels the original ran (<see cref="Engine.Pipelines.KernelChoice.Name"/>), so the
    /// re-run computes the same numbers; null runs the worker's settings.
    /// </summary>
    public string? Kernels { get; init; }
}
