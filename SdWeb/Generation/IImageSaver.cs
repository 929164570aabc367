using SdWeb.Data;
using SdWeb.Engine.Pipelines;

namespace SdWeb.Generation;

/// <summary>Where the worker puts finished images: files written completely, then their rows committed.</summary>
public interface IImageSaver
{
    Task<IReadOnlyList<ImageRecord>> SaveAsync(GenerationJob job, GenerationResult result, CancellationToken cancellationToken);
}
