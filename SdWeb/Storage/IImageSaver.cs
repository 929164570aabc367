using SdWeb.Data;
using SdWeb.Engine.Pipelines;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace SdWeb.Storage;

/// <summary>
/// Where the worker puts finished images: files written completely, then their rows committed. Synchronous because its
/// caller is the engine's own thread, which has nothing else to do meanwhile and must not block on async work.
/// </summary>
public interface IImageSaver
{
    /// <param name="plotCell">The X/Y/Z plot cell the image is, stored with it.</param>
    IReadOnlyList<ImageRecord> Save(GenerationJob job, GenerationResult result, int? plotCell = null);

    /// <summary>Writes a plot job's labelled grid PNG; answers its path relative to DataDir (the caller stores it with the job).</summary>
    string SaveGrid(GenerationJob job, Image<Rgb24> grid);
}
