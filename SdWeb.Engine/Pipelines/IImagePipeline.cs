namespace SdWeb.Engine.Pipelines;

/// <summary>
/// A loaded Stable Diffusion model ready to generate. The web app and the CLI see the engine only through this.
/// Not thread-safe: one generation at a time.
/// </summary>
public interface IImagePipeline : IDisposable
{
    ModelDescriptor Model { get; }

    /// <summary>CLIP tokens of a prompt without BOS/EOS and without truncation (more than 75 means the prompt is cut).</summary>
    int CountTokens(string prompt);

    GenerationResult Generate(GenerationRequest request, IProgress<StepProgress>? progress, CancellationToken cancellationToken);
}

/// <summary>What a loaded model is: its name, a content hash (A1111-style short hash), where it runs.</summary>
public sealed record ModelDescriptor(string Name, string Path, string Hash, string Device, string DType)
{
    /// <summary>The separate VAE in use instead of the model's own (its file or folder name, as A1111's "VAE"); null: the model's.</summary>
    public string? VaeName { get; init; }

    /// <summary>A1111's "VAE hash" of that VAE: the first 10 hex digits of its weights file's SHA-256.</summary>
    public string? VaeHash { get; init; }
}
