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
public sealed record ModelDescriptor(string Name, string Path, string Hash, string Device, string DType);
