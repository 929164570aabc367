using System.Collections.Concurrent;
using SdWeb.Engine.Loading;
using SdWeb.Engine.Networks;

namespace SdWeb.Generation;

/// <summary>
/// Which models a LoRA or embedding fits: those whose text encoder has the width the file was made for. A model's
/// width is read from its config once per model file (path and write time).
/// </summary>
public sealed class ModelTextWidths(IModelLibrary library, ILogger<ModelTextWidths> logger)
{
    private readonly ConcurrentDictionary<(string Path, DateTime WriteTime), int?> _widths = new();

    /// <summary>The model's text-encoder width, or null when the model cannot be read.</summary>
    public int? Of(string model)
    {
        try
        {
            var path = library.ResolvePath(model);
            return _widths.GetOrAdd((path, Directory.GetLastWriteTimeUtc(path)), key => Read(key.Path));
        }
        catch (ModelLoadException e)
        {
            logger.LogWarning("No text-encoder width for {Model}: {Reason}", model, e.Message);
            return null;
        }
    }

    /// <summary>Every available model by name with its width (null: unknown).</summary>
    public IReadOnlyDictionary<string, int?> All() => library.Names().ToDictionary(name => name, Of);

    private int? Read(string path)
    {
        try
        {
            return ModelInspection.TextEncoderWidth(path);
        }
        catch (ModelLoadException e)
        {
            logger.LogWarning("No text-encoder width for {Path}: {Reason}", path, e.Message);
            return null;
        }
    }

    /// <summary>The names among <paramref name="widths"/> a network fits; empty when its width is unknown.</summary>
    public static IReadOnlyList<string> Fitting(NetworkFile network, IReadOnlyDictionary<string, int?> widths) =>
        network.TextWidth is { } width ? widths.Where(m => m.Value == width).Select(m => m.Key).ToList() : [];
}
