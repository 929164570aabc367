using SdWeb.Data;
using SdWeb.Engine.Pipelines;

namespace SdWeb.Storage;

/// <summary>
/// Where the worker puts finished images: files written completely, then their rows committed. Synchronous because its
/// caller is the engine's own thread, which has nothing else to do meanwhile and must not block on async work.
/// </summary>
public interface IImageSaver
{
    IReadOnlyList<ImageRecord> Save(GenerationJob job, GenerationResult result);
}
