using SdWeb.Engine.Loading;
using SdWeb.Options;

namespace SdWeb.Generation;

/// <summary>A separate VAE in models/VAE. <see cref="Name"/> is its path relative to that folder, as A1111's <c>sd_vae</c> names it.</summary>
/// <param name="WeightsPath">The file A1111's "VAE hash" covers: the file itself, or a diffusers vae folder's weights.</param>
public sealed record VaeEntry(string Name, string Path, bool IsFolder, string WeightsPath);

/// <summary>
/// The VAEs in AUTOMATIC1111's <c>models/VAE</c>: single .safetensors files and diffusers vae folders (config.json and
/// safetensors weights). Read afresh on every call, so a VAE copied in or deleted shows at once.
/// </summary>
public sealed class VaeLibrary(SdWebOptions options)
{
    public const string FolderName = "VAE";

    public string Folder => Path.Combine(options.ModelsPath, FolderName);

    public IReadOnlyList<VaeEntry> All()
    {
        if (!Directory.Exists(Folder)) return [];
        var files = Directory.EnumerateFiles(Folder, "*.safetensors", SearchOption.AllDirectories)
            .Where(file => !IsFolderVae(Path.GetDirectoryName(file)!))
            .Select(file => new VaeEntry(NameOf(file), file, IsFolder: false, file));
        var folders = Directory.EnumerateDirectories(Folder, "*", SearchOption.AllDirectories)
            .Where(IsFolderVae)
            .Select(dir => new VaeEntry(NameOf(dir), dir, IsFolder: true, WeightsOf(dir)));
        return files.Concat(folders).OrderBy(v => v.Name, StringComparer.OrdinalIgnoreCase).ToList();
    }

    /// <summary>The VAE of that name; refuses unknown names (and so any path leading elsewhere).</summary>
    /// <exception cref="ModelLoadException">No such VAE; the message lists the ones there.</exception>
    public VaeEntry Find(string name)
    {
        var all = All();
        return all.FirstOrDefault(v => v.Name == name)
            ?? throw new ModelLoadException(all.Count == 0
                ? $"No VAE named '{name}': {Folder} holds none. Put a VAE .safetensors file or a diffusers vae folder there."
                : $"No VAE named '{name}' in {Folder}. Available: {string.Join(", ", all.Select(v => v.Name))}.");
    }

    /// <summary>A1111's "VAE hash": the first 10 hex digits of the weights file's SHA-256 (cached per file version).</summary>
    public static string Hash(VaeEntry vae) => ModelCatalog.FileSha256(vae.WeightsPath)[..10];

    private string NameOf(string path) => Path.GetRelativePath(Folder, path).Replace(Path.DirectorySeparatorChar, '/');

    private static bool IsFolderVae(string dir) =>
        File.Exists(Path.Combine(dir, "config.json")) && Directory.EnumerateFiles(dir, "*.safetensors").Any();

    /// <summary>The full-precision weights when a folder has several variants (as the loader prefers them for fp32).</summary>
    private static string WeightsOf(string dir) =>
        Directory.EnumerateFiles(dir, "*.safetensors").OrderBy(f => f.Contains(".fp16.", StringComparison.Ordinal)).ThenBy(f => f, StringComparer.Ordinal).First();
}
