using SdWeb.Engine.Networks;
using SdWeb.Engine.Pipelines.Hires;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace SdWeb.Engine.Pipelines;

/// <summary>
/// One generation as diffusers' StableDiffusionPipeline / StableDiffusionImg2ImgPipeline takes it.
/// Images come out prompt by prompt, each prompt's <see cref="ImagesPerPrompt"/> images together.
/// </summary>
public sealed record GenerationRequest
{
    public required IReadOnlyList<string> Prompts { get; init; }

    /// <summary>None, one for every prompt, or one per prompt.</summary>
    public IReadOnlyList<string> NegativePrompts { get; init; } = [];

    public string Sampler { get; init; } = "euler_a";
    public int Steps { get; init; } = 20;
    public double CfgScale { get; init; } = 7.5;

    /// <summary>Seed of the one CPU generator all noise is drawn from; null picks a random one (recorded in the result).</summary>
    public long? Seed { get; init; }

    /// <summary>
    /// AUTOMATIC1111's variation seed: with <see cref="SubseedStrength"/> above 0 the initial noise is the slerp of the
    /// seed's and this seed's noise (see <c>VariationNoise</c>); null with a strength above 0 picks a random one
    /// (recorded in the result).
    /// </summary>
    public long? Subseed { get; init; }

    /// <summary>How far the initial noise moves from the seed's towards the subseed's, in [0, 1]; 0 = no variation.</summary>
    public double SubseedStrength { get; init; }

    /// <summary>Overrides the model config's timestep_spacing (leading, linspace, trailing); null keeps the model's.</summary>
    public string? TimestepSpacing { get; init; }

    public int Width { get; init; } = 512;
    public int Height { get; init; } = 512;
    public int ImagesPerPrompt { get; init; } = 1;

    /// <summary>Img2img source, resized to Width × Height; null for txt2img.</summary>
    public Image<Rgb24>? InitImage { get; init; }

    /// <summary>Img2img: how much of the schedule to run, in (0, 1].</summary>
    public double Strength { get; init; } = 0.8;

    public PromptSyntax PromptSyntax { get; init; } = PromptSyntax.Plain;

    /// <summary>AUTOMATIC1111's "Clip skip": 1 = the text encoder's last layer, N = the N-th layer from the end (+ final LayerNorm); prompt and negative alike.</summary>
    public int ClipSkip { get; init; } = 1;

    /// <summary>
    /// A1111 syntax, when prompt and negative prompt have different chunk counts: true appends empty-prompt chunks to the
    /// shorter (A1111's "pad prompt/negative prompt"); false (A1111's default) runs them as separate UNet passes.
    /// </summary>
    public bool PadCondUncond { get; init; }

    /// <summary>Full VAE-decoded preview every N steps (0 = only the cheap latent preview).</summary>
    public int FullPreviewEvery { get; init; }

    /// <summary>
    /// Shortest time between two cheap previews; the steps in between report progress without one, so a fast GPU does
    /// not copy a preview to the host (a device sync) at every step. Zero: a preview every step.
    /// </summary>
    public TimeSpan MinPreviewInterval { get; init; }

    /// <summary>
    /// SdWeb's own kernels allowed where they apply, and no others: a reproduction allows those the original ran
    /// (<see cref="GenerationParameters.Kernels"/>). Null runs the engine's settings (<c>--convolutions</c>, <c>--attention</c>).
    /// </summary>
    public KernelChoice? Kernels { get; init; }

    /// <summary>LoRAs merged into the weights for this generation only, in order.</summary>
    public IReadOnlyList<NetworkActivation> Loras { get; init; } = [];

    /// <summary>Textual-inversion files (.safetensors) whose trigger words, their file names, the prompts may use.</summary>
    public IReadOnlyList<string> Embeddings { get; init; } = [];

    /// <summary>
    /// Inpainting mask, same size as <see cref="InitImage"/> (a different size is refused): 8-bit gray, white (≥ 128 after
    /// blur and invert) = repaint, as diffusers' StableDiffusionInpaintPipeline binarizes it at 0.5.
    /// </summary>
    public Image<L8>? Mask { get; init; }

    /// <summary>AUTOMATIC1111's mask blur: Gaussian sigma in pixels (kernel 2·int(2.5σ + 0.5) + 1), applied before binarization; 0 = off.</summary>
    public int MaskBlur { get; init; }

    /// <summary>AUTOMATIC1111's "Inpaint not masked": repaint the black part instead.</summary>
    public bool InvertMask { get; init; }

    /// <summary>AUTOMATIC1111's "Only masked": work on the mask's bounding box (+ padding, grown to Width:Height) at full Width × Height, paste back.</summary>
    public bool InpaintOnlyMasked { get; init; }

    /// <summary>Pixels around the mask's bounding box for <see cref="InpaintOnlyMasked"/> (A1111's default 32).</summary>
    public int InpaintPadding { get; init; } = 32;

    /// <summary>AUTOMATIC1111's overlay: the original pixels, with the (blurred) mask as transparency, over the result; off = diffusers' raw output.</summary>
    public bool MaskOverlay { get; init; }

    /// <summary>AUTOMATIC1111's tiling: the UNet's and VAE's convolutions pad circularly, so the image tiles seamlessly.</summary>
    public bool Tiling { get; init; }

    /// <summary>AUTOMATIC1111's hires fix for txt2img: null = off.</summary>
    public HiresFix? Hires { get; init; }
}
