using SdWeb.Options;

namespace SdWeb.Storage;

/// <summary>
/// Where image files live: {DataDir}/images/yyyy/MM/dd/&lt;id&gt;.png with &lt;id&gt;.thumb.webp beside it. Rows store paths
/// relative to DataDir with '/' separators; every path is resolved here and must stay inside DataDir.
/// </summary>
public sealed class ImagePaths(SdWebOptions options)
{
    public const string ImagesFolder = "images";

    /// <summary>Suffix of files being written or deleted; the start-up sweep removes leftovers.</summary>
    public const string TempSuffix = ".tmp";

    public string DataPath { get; } = options.DataPath;

    public string ImagesPath => Path.Combine(DataPath, ImagesFolder);

    public static (string Png, string Thumb) RelativePaths(Guid id, DateTime createdUtc)
    {
        var folder = $"{ImagesFolder}/{createdUtc:yyyy}/{createdUtc:MM}/{createdUtc:dd}";
        return ($"{folder}/{id}.png", $"{folder}/{id}.thumb.webp");
    }

    /// <exception cref="InvalidOperationException">The stored path leads outside the data folder.</exception>
    public string Full(string relativePath)
    {
        var full = Path.GetFullPath(Path.Combine(DataPath, relativePath));
        if (!full.StartsWith(DataPath + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new InvalidOperationException($"Stored image path '{relativePath}' leads outside the data folder; refusing it.");
        return full;
    }
}
