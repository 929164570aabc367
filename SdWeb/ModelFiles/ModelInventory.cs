using System.Collections.Concurrent;
using SdWeb.Engine.Loading;
using SdWeb.Engine.Networks;
using SdWeb.Generation;
using SdWeb.Options;

namespace SdWeb.ModelFiles;

/// <summary>
/// Every model, VAE, LoRA and embedding under ModelsDir, from the same discovery the rest of the app uses
/// (<see cref="ModelCatalog"/>, <see cref="VaeLibrary"/>, <see cref="NetworkLibrary"/>). Listing reads no file's contents;
/// <see cref="DetailsAsync"/> hashes on the thread pool, once per file version however many pages ask at the same time.
/// </summary>
public sealed class ModelInventory(SdWebOptions options, NetworkLibrary networks, VaeLibrary vaes, ModelTextWidths widths)
{
    private readonly ConcurrentDictionary<(ModelKind Kind, string Path, long Size, DateTime WriteTime), Lazy<Task<ModelFileDetails>>> _details = new();

    public IReadOnlyList<ModelFile> List() =>
    [
        .. ModelCatalog.Discover(options.ModelsPath).Select(m => m.Format == ModelFormat.DiffusersFolder
            ? OneFolder(ModelKind.Checkpoint, m.Name, m.Path)
            : OneFile(ModelKind.Checkpoint, m.Name, m.Path)),
        .. vaes.All().Select(v => v.IsFolder ? OneFolder(ModelKind.Vae, v.Name, v.Path) : OneFile(ModelKind.Vae, v.Name, v.Path)),
        .. networks.LoraFiles().Select(path => OneFile(ModelKind.Lora, Path.GetFileNameWithoutExtension(path), path)),
        .. networks.EmbeddingFiles().Select(path => OneFile(ModelKind.Embedding, Path.GetFileNameWithoutExtension(path), path)),
    ];

    /// <summary>The file's short hash and family, computed in the background on first use (seconds for a multi-GB checkpoint).</summary>
    public Task<ModelFileDetails> DetailsAsync(ModelFile file) =>
        _details.GetOrAdd(Key(file), _ => new Lazy<Task<ModelFileDetails>>(() => Task.Run(() => Read(file)))).Value;

    /// <summary>Details already computed for this version of the file, or null.</summary>
    public ModelFileDetails? KnownDetails(ModelFile file) =>
        _details.TryGetValue(Key(file), out var lazy) && lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully ? lazy.Value.Result : null;

    private static (ModelKind, string, long, DateTime) Key(ModelFile file) =>
        (file.Kind, file.Path, file.SizeBytes, file.Format == ModelFileFormat.DiffusersFolder
            ? Directory.GetLastWriteTimeUtc(file.Path) : File.GetLastWriteTimeUtc(file.Path));

    private ModelFileDetails Read(ModelFile file)
    {
        try
        {
            return file.Kind switch
            {
                ModelKind.Checkpoint => new(ModelCatalog.Sha256(new ModelEntry(file.Name, file.Path, file.Format == ModelFileFormat.DiffusersFolder
                    ? ModelFormat.DiffusersFolder : ModelFormat.SingleFile))[..10], Family(widths.Of(file.Name))),
                ModelKind.Vae => new(VaeLibrary.Hash(vaes.Find(file.Name)), null),
                ModelKind.Lora => Network(NetworkLibrary.ReadLora(file.Path)),
                _ => Network(NetworkLibrary.ReadEmbedding(file.Path)),
            };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ModelLoadException)
        {
            return new("", null); // removed or unreadable meanwhile: listed without a hash
        }
    }

    private static ModelFileDetails Network(NetworkFile network) => new(network.ShortHash, Family(network.TextWidth));

    private static string? Family(int? textWidth) => textWidth is { } width ? NetworkFile.FamilyOf(width) : null;

    private static ModelFile OneFile(ModelKind kind, string name, string path) =>
        new(kind, name, path, FormatOf(path), new FileInfo(path).Length);

    private static ModelFile OneFolder(ModelKind kind, string name, string path) =>
        new(kind, name, path, ModelFileFormat.DiffusersFolder,
            new DirectoryInfo(path).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length));

    private static ModelFileFormat FormatOf(string path) =>
        path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase) ? ModelFileFormat.SafeTensors : ModelFileFormat.Pickle;
}
