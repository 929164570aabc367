using SdWeb.Engine.Pipelines;
using SdWeb.Engine.Pipelines.Hires;

namespace SdWeb.Data;

/// <summary>
/// A submitted generation. The database is the queue's source of truth: a job is stored before its submitter is told it
/// was accepted, and queued jobs run in <see cref="Sequence"/> order (fairly between users) after a restart.
/// </summary>
public sealed class GenerationJob
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    /// <summary>Submission order, assigned by <see cref="AppDbContext"/> when the job is first saved.</summary>
    public long Sequence { get; set; }

    public required string UserId { get; set; }
    public AppUser? User { get; set; }

    public JobStatus Status { get; set; } = JobStatus.Queued;

    public required string Prompt { get; set; }
    public string NegativePrompt { get; set; } = "";
    public required string Sampler { get; set; }
    public int Steps { get; set; }
    public double CfgScale { get; set; }

    /// <summary>Seed of the first image (image i uses Seed + i); null = pick one at random when the job runs.</summary>
    public long? Seed { get; set; }

    public int Width { get; set; }
    public int Height { get; set; }
    public int ImageCount { get; set; } = 1;

    /// <summary>Img2img: the gallery image used as the source, and how much of the schedule runs.</summary>
    public Guid? SourceImageId { get; set; }
    public double? Strength { get; set; }

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

    /// <summary>The prompt styles applied, in order; <see cref="Prompt"/> and <see cref="NegativePrompt"/> already contain them.</summary>
    public List<string> Styles { get; set; } = [];

    /// <summary>LoRAs merged for the generation, as resolved when the job was submitted.</summary>
    public List<LoraUse> Loras { get; set; } = [];

    /// <summary>Embeddings whose trigger words the prompts use.</summary>
    public List<EmbeddingUse> Embeddings { get; set; } = [];

    /// <summary>Model as the catalog names it (a folder or file name inside ModelsDir, never a path).</summary>
    public required string ModelName { get; set; }

    /// <summary>The separate VAE (its name in models/VAE) that decodes the images; null = the model's own.</summary>
    public string? Vae { get; set; }

    /// <summary>Set when the job re-runs a stored image's parameters, so the new image can be compared with it.</summary>
    public Guid? ReproducesImageId { get; set; }

    /// <summary>A reproduction's: the original's kernels (<see cref="Engine.Pipelines.KernelChoice.Name"/>); null = the worker's settings.</summary>
    public string? Kernels { get; set; }

    /// <summary>AUTOMATIC1111's X/Y/Z plot (JSON of <c>Generation.Plots.XyzPlot</c>): one image per cell; null for an ordinary job.</summary>
    public string? Plot { get; set; }

    /// <summary>The plot's labelled grid PNG, relative to DataDir, once every cell is made.</summary>
    public string? PlotGridPath { get; set; }

    public DateTime QueuedAt { get; set; } = DateTime.UtcNow;
    public DateTime? StartedAt { get; set; }
    public DateTime? FinishedAt { get; set; }

    /// <summary>Readable reason a job failed.</summary>
    public string? Error { get; set; }

    /// <summary>How many times the job has been started (a job interrupted by a crash is re-queued once).</summary>
    public int Attempts { get; set; }

    /// <summary>The worker (<see cref="WorkerRecord.Id"/>) whose claim on the running job is a lease until <see cref="LeaseExpiresAt"/>.</summary>
    public string? WorkerId { get; set; }

    /// <summary>When the running job goes back to the queue unless its worker renews the lease first.</summary>
    public DateTime? LeaseExpiresAt { get; set; }

    /// <summary>Someone cancelled the job while a worker (maybe in another process) runs it; the worker's heartbeat reads this and stops it.</summary>
    public bool CancelRequested { get; set; }

    public List<ImageRecord> Images { get; set; } = [];

    /// <summary>A detached copy with every setting (each plot cell starts from one); not tracked by any context.</summary>
    public GenerationJob Clone() => (GenerationJob)MemberwiseClone();
}
