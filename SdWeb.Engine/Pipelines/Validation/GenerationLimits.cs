namespace SdWeb.Engine.Pipelines.Validation;

/// <summary>What one generation may ask for; shared by the CLI, the web app and the pipeline itself.</summary>
public sealed record GenerationLimits
{
    /// <summary>Width × Height budget of one image (default 1024 × 1024).</summary>
    public long MaxPixels { get; init; } = 1024L * 1024L;

    public int MaxSteps { get; init; } = 1000;

    /// <summary>Prompts × images per prompt.</summary>
    public int MaxImagesPerJob { get; init; } = 16;

    /// <summary>A hard limit well beyond CLIP's 75-token truncation, against abuse.</summary>
    public int MaxPromptCharacters { get; init; } = 2000;

    public double MinCfgScale { get; init; }
    public double MaxCfgScale { get; init; } = 50;

    /// <summary>Pixels of an img2img source image, checked from its header before it is decoded.</summary>
    public long MaxInitImagePixels { get; init; } = 4096L * 4096L;

    public static GenerationLimits Default { get; } = new();
}
