using SdWeb.Engine.Pipelines;
using SdWeb.Engine.Pipelines.Hires;

namespace SdWeb.Data;

/// <summary>A stored image and every parameter needed to make it again. Files live under DataDir; paths here are relative to it.</summary>
public sealed class ImageRecord
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid? JobId { get; set; }
    public GenerationJob? Job { get; set; }

    /// <summary>Author.</summary>
    public required string UserId { get; set; }
    public AppUser? User { get; set; }

    public required string Prompt { get; set; }
    public string NegativePrompt { get; set; } = "";
    public long Seed { get; set; }
    public int Steps { get; set; }
    public double CfgScale { get; set; }
    public required string Sampler { get; set; }
    public int Width { get; set; }
    public int Height { get; set; }
    public double? Strength { get; set; }
    public Guid? SourceImageId { get; set; }

    /// <summary>Inpainting: the mask image file as submitted (white = repaint); null = none.</summary>
    public byte[]? Mask { get; set; }
    public int MaskBlur { get; set; }
    public bool InvertMask { get; set; }
    public bool InpaintOnlyMasked { get; set; }
    public int InpaintPadding { get; set; }
    public bool MaskOverlay { get; set; }

    /// <summary>AUTOMATIC1111's hires fix (kept as JSON); null = off.</summary>
    public HiresFix? Hires { get; set; }

    /// <summary>AUTOMATIC1111's variation seed and strength (0 = no variation).</summary>
    public long? Subseed { get; set; }
    public double SubseedStrength { get; set; }

    /// <summary>How the prompts are read: A1111 for every job the app makes; Plain for jobs made before it spoke A1111.</summary>
    public PromptSyntax PromptSyntax { get; set; }

    /// <summary>AUTOMATIC1111's "Clip skip" (1 = the text encoder's last layer).</summary>
    public int ClipSkip { get; set; } = 1;

    /// <summary>AUTOMATIC1111's tiling: circular convolutions, so the image tiles seamlessly.</summary>
    public bool Tiling { get; set; }

    /// <summary>LoRAs merged for the generation, as resolved when the job was submitted.</summary>
    public List<LoraUse> Loras { get; set; } = [];

    /// <summary>Embeddings whose trigger words the prompts use.</summary>
    public List<EmbeddingUse> Embeddings { get; set; } = [];

    public required string ModelName { get; set; }

    /// <summary>The separate VAE (its name in models/VAE) that decoded the image; null = the model's own.</summary>
    public string? Vae { get; set; }
    public string ModelHash { get; set; } = "";
    public string DType { get; set; } = "";
    public string Device { get; set; } = "";

    /// <summary>SdWeb's own kernels that made the image (<see cref="Engine.Pipelines.KernelChoice.Name"/>); null for images made before they were recorded.</summary>
    public string? Kernels { get; set; }

    public double DurationSeconds { get; set; }
    public DateTime CreatedAt { get; set; } = DateTime.UtcNow;
    public bool Favourite { get; set; }

    /// <summary>SHA-256 of the RGB pixels (hex), to tell whether a reproduction is pixel-identical.</summary>
    public string PixelHash { get; set; } = "";

    /// <summary>The image whose parameters this one re-ran (Reproduce), if any.</summary>
    public Guid? ReproducesImageId { get; set; }

    /// <summary>The cell of its job's X/Y/Z plot this image is (Generation.Plots.XyzPlotLayout's order); null outside a plot.</summary>
    public int? PlotCell { get; set; }

    /// <summary>
    /// The settings the gallery's full-text search finds besides the prompts ("hires", "Lanczos", "inpainting", …), written
    /// from the other columns whenever the row is saved (<see cref="ImageSearchText"/>).
    /// </summary>
    public string SearchText { get; set; } = "";

    /// <summary>PNG path relative to DataDir, e.g. images/2026/11/26/&lt;id&gt;.png.</summary>
    public required string FilePath { get; set; }
    public required string ThumbPath { get; set; }
}
