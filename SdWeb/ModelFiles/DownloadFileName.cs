namespace SdWeb.ModelFiles;

/// <summary>
/// The name a downloaded file is saved under: a plain .safetensors file name (no folder, no "..", nothing hidden), so a
/// request can never write outside its kind's folder. Pickles are refused: SdWeb never loads them.
/// </summary>
public static class DownloadFileName
{
    public const string Extension = ".safetensors";

    /// <summary>The checked name: <paramref name="given"/>, or else the URL's last path segment.</summary>
    /// <exception cref="ArgumentException">The name is not a plain .safetensors file name; the message says why.</exception>
    public static string For(string? given, Uri url)
    {
        var name = string.IsNullOrWhiteSpace(given) ? Uri.UnescapeDataString(url.Segments[^1]) : given.Trim();
        if (name.Length == 0 || name.EndsWith('/'))
            throw new ArgumentException($"{url} names no file; give a file name to save it under.");
        if (name.Contains('/') || name.Contains('\\') || name.Contains("..", StringComparison.Ordinal) || name.StartsWith('.')
            || name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || name.Contains(':'))
            throw new ArgumentException($"'{name}' is not a plain file name: no folders, '..', leading dot or special characters.");
        if (!name.EndsWith(Extension, StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException(
                $"'{name}' is not a .safetensors file. SdWeb only downloads .safetensors, since loading a pickle (.ckpt, .pt, .bin) can run code.");
        return name;
    }
}
