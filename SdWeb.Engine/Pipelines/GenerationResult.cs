using SdWeb.Engine.Networks;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace SdWeb.Engine.Pipelines;

/// <summary>
/// The images of one generation and all that is needed to make them again. It owns the images (pooled pixel buffers):
/// whoever holds the result disposes it once the images are saved.
/// </summary>
public sealed record GenerationResult(IReadOnlyList<GeneratedImage> Images, GenerationParameters Parameters, TimeSpan Duration)
    : IDisposable
{
    public void Dispose()
    {
        foreach (var image in Images) image.Image.Dispose();
    }
}

/// <summary>One output image. <see cref="BatchIndex"/> is its place in diffusers' batch order.</summary>
public sealed record GeneratedImage(Image<Rgb24> Image, string Prompt, string NegativePrompt, int BatchIndex);

/// <summary>Every parameter that determines the images (the seed is the generator's; batches draw from it in order).</summary>
public sealed record GenerationParameters(
    string ModelName,
    string ModelHash,
    string Sampler,
    int Steps,
    double CfgScale,
    long Seed,
    int Width,
    int Height,
    int ImagesPerPrompt,
    double? Strength,
    string DType,
    string Device,
    string EngineVersion)
{
    /// <summary>Which of SdWeb's own kernels were called making the images (they change the last bits against libtorch's).</summary>
    public KernelChoice Kernels { get; init; } = KernelChoice.Libtorch;

    /// <summary>The LoRAs merged for the images, in order ("Lora hashes").</summary>
    public IReadOnlyList<NetworkHash> LoraHashes { get; init; } = [];

    /// <summary>The textual-inversion embeddings the prompts used ("TI hashes").</summary>
    public IReadOnlyList<NetworkHash> EmbeddingHashes { get; init; } = [];

    /// <summary>The variation seed, when <see cref="SubseedStrength"/> is above 0.</summary>
    public long? Subseed { get; init; }

    public double SubseedStrength { get; init; }

    /// <summary>The request's timestep_spacing override; null when the model's own was used.</summary>
    public string? TimestepSpacing { get; init; }

    /// <summary>AUTOMATIC1111's "Clip skip" (1 = the text encoder's last layer).</summary>
    public int ClipSkip { get; init; } = 1;

    /// <summary>AUTOMATIC1111's tiling (circular convolutions).</summary>
    public bool Tiling { get; init; }

    /// <summary>A1111's "VAE" and "VAE hash": the separate VAE that decoded the images; null when the model's own did.</summary>
    public string? Vae { get; init; }

    public string? VaeHash { get; init; }

    /// <summary>How the prompts were read.</summary>
    public PromptSyntax PromptSyntax { get; init; } = PromptSyntax.Plain;

    /// <summary>The hires fix that made the images (Width × Height is then the first pass's size, as A1111 writes it).</summary>
    public Hires.HiresFix? Hires { get; init; }

    /// <summary>Inpainting: the mask's blur ("Mask blur"); null when no mask was used.</summary>
    public int? MaskBlur { get; init; }

    /// <summary>Inpainting: A1111's "Mask mode: Inpaint not masked".</summary>
    public bool InvertMask { get; init; }

    /// <summary>Inpainting: A1111's "Inpaint area: Only masked" with its "Masked area padding"; null for the whole picture.</summary>
    public int? InpaintOnlyMaskedPadding { get; init; }
}
