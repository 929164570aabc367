using SdWeb.Engine.Loading.Diffusers;
using TorchSharp;

namespace SdWeb.Engine.Loading;

/// <summary>A model found in the models folder. <see cref="Name"/> is its path relative to the folder ('/'-separated).</summary>
public sealed record ModelEntry(string Name, string Path, ModelFormat Format);

/// <summary>
/// The models in a models folder: diffusers folders (with model_index.json) and .safetensors checkpoints, also in
/// subfolders. Names given by users are resolved only inside the folder.
/// </summary>
public static class ModelCatalog
{
    private const int MaxDepth = 4;

    /// <summary>
    /// AUTOMATIC1111's folders beside the checkpoints that hold no checkpoints: LoRAs, embeddings and VAEs are
    /// .safetensors files too, and must not be offered as models.
    /// </summary>
    private static readonly HashSet<string> NetworkFolders = new(["Lora", "LyCORIS", "embeddings", "VAE", "hypernetworks"], StringComparer.OrdinalIgnoreCase);

    public static IReadOnlyList<ModelEntry> Discover(string modelsDir)
    {
        if (!Directory.Exists(modelsDir)) return [];
        var root = Path.GetFullPath(modelsDir);
        var found = new List<ModelEntry>();
        Walk(root, root, 0, found);
        return found.OrderBy(e => e.Name, StringComparer.OrdinalIgnoreCase).ToList();
    }

    private static void Walk(string root, string dir, int depth, List<ModelEntry> found)
    {
        foreach (var sub in Directory.EnumerateDirectories(dir))
        {
            if (Path.GetFileName(sub).StartsWith('.')) continue; // hidden, and the downloader's partial files
            if (depth == 0 && NetworkFolders.Contains(Path.GetFileName(sub))) continue;
            // A hub download in progress (its model_index.json waits under a dot name): its finished weights are no checkpoints.
            if (File.Exists(Path.Combine(sub, "." + DiffusersFolder.ModelIndexFileName))) continue;
            if (DiffusersFolder.IsDiffusersFolder(sub)) found.Add(Entry(root, sub, ModelFormat.DiffusersFolder));
            else if (depth + 1 < MaxDepth) Walk(root, sub, depth + 1, found);
        }
        foreach (var file in Directory.EnumerateFiles(dir, "*.safetensors"))
            if (!file.EndsWith(".vae.safetensors", StringComparison.OrdinalIgnoreCase)) // A1111's naming for VAE files
                found.Add(Entry(root, file, ModelFormat.SingleFile));
    }

    private static ModelEntry Entry(string root, string path, ModelFormat format) =>
        new(Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/'), path, format);

    /// <summary>
    /// The SHA-256 (hex) of the file a model's A1111 hash covers: the checkpoint, or a diffusers folder's fp32 UNet
    /// weights; its first 10 digits are the AutoV2 hash images record. Cached per file, size and write time.
    /// </summary>
    public static string Sha256(ModelEntry model) => ModelHash.Sha256(model.Format == ModelFormat.DiffusersFolder
        ? DiffusersFolder.ChooseWeightsFile(Path.Combine(model.Path, "unet"), DiffusersFolder.UNetWeightsBaseName, torch.ScalarType.Float32)
        : model.Path);

    /// <summary>
    /// The SHA-256 (hex) of one whole file, such as a VAE (A1111's "VAE hash" is its first 10 digits); cached per file,
    /// size and write time, as <see cref="Sha256(ModelEntry)"/>.
    /// </summary>
    public static string FileSha256(string path) => ModelHash.Sha256(path);

    /// <summary>The full path of a model named relative to the models folder; names that lead outside it are refused.</summary>
    public static string Resolve(string modelsDir, string name)
    {
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(modelsDir)) + Path.DirectorySeparatorChar;
        if (string.IsNullOrWhiteSpace(name) || Path.IsPathRooted(name))
            throw new ModelLoadException($"'{name}': give a model name relative to the models folder {root}.");
        var full = Path.GetFullPath(Path.Combine(root, name));
        if (!full.StartsWith(root, StringComparison.Ordinal))
            throw new ModelLoadException($"'{name}' points outside the models folder {root}; only models inside it can be used.");
        return full;
    }
}
