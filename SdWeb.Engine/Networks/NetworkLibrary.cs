using System.Globalization;
using SdWeb.Engine.Loading;
using SdWeb.Engine.Prompts;

namespace SdWeb.Engine.Networks;

/// <summary>
/// LoRAs and textual-inversion embeddings in AUTOMATIC1111's layout (<c>models/Lora</c>, <c>models/embeddings</c>,
/// subfolders included). Folders are scanned on every call, so files added or replaced are picked up without a
/// restart; what is read from a file (hashes, text-encoder width) is cached per path, size and write time.
/// </summary>
public sealed class NetworkLibrary(string loraFolder, string embeddingsFolder)
{
    private static readonly string[] Extensions = [".safetensors", ".pt", ".ckpt", ".bin"];

    /// <summary>The library beside the checkpoints: <c>&lt;modelsFolder&gt;/Lora</c> and <c>&lt;modelsFolder&gt;/embeddings</c>.</summary>
    public static NetworkLibrary InModelsFolder(string modelsFolder) =>
        new(Path.Combine(modelsFolder, "Lora"), Path.Combine(modelsFolder, "embeddings"));

    public string LoraFolder { get; } = loraFolder;
    public string EmbeddingsFolder { get; } = embeddingsFolder;

    public IReadOnlyList<NetworkFile> Loras() => LoraFiles().Select(ReadLora).ToList();

    public IReadOnlyList<NetworkFile> Embeddings() => EmbeddingFiles().Select(ReadEmbedding).ToList();

    /// <summary>The LoRA files by name, found without opening them (a listing can show them before <see cref="ReadLora"/> hashes them).</summary>
    public IReadOnlyList<string> LoraFiles() => Files(LoraFolder);

    /// <summary>The embedding files by name, found without opening them.</summary>
    public IReadOnlyList<string> EmbeddingFiles() => Files(EmbeddingsFolder);

    /// <summary>One LoRA as <see cref="Loras"/> lists it: its header read and its hash computed (cached per path, size and write time).</summary>
    public static NetworkFile ReadLora(string path) =>
        Read(path, p => NetworkHashes.Short(NetworkHashes.Lora(p)), NetworkTextWidth.OfLoraFile);

    /// <summary>One embedding as <see cref="Embeddings"/> lists it, with its number of vectors (tokens).</summary>
    public static NetworkFile ReadEmbedding(string path)
    {
        var embedding = Read(path, p => NetworkHashes.Short(NetworkHashes.WholeFile(p)), NetworkTextWidth.OfEmbeddingFile);
        return embedding with { Vectors = NetworkTextWidth.VectorsOfEmbeddingFile(path) };
    }

    /// <summary>The LoRA a <c>&lt;lora:name:multiplier&gt;</c> tag names.</summary>
    /// <exception cref="ModelLoadException">No such LoRA; the message lists the available ones.</exception>
    public NetworkActivation Lora(string name, double multiplier) =>
        new(name, Find(Loras(), name, "LoRA", LoraFolder).Path, multiplier);

    /// <summary>
    /// The LoRAs a prompt's <c>&lt;lora:name:multiplier&gt;</c> tags ask for, in order (multiplier 1 when left out).
    /// AUTOMATIC1111 takes a batch's networks from its first prompt; the tags stay in the text, which the A1111
    /// syntax strips before encoding.
    /// </summary>
    /// <exception cref="ModelLoadException">A tag names no LoRA in <see cref="LoraFolder"/> (the message lists those there) or has a malformed multiplier.</exception>
    public IReadOnlyList<NetworkActivation> LorasIn(string prompt)
    {
        var (_, networks) = ExtraNetworkTags.Parse(prompt);
        if (!networks.TryGetValue("lora", out var calls)) return [];
        return calls.Select(args => Lora(args[0], args.Count > 1 ? Multiplier(args[1], args[0]) : 1.0)).ToList();
    }

    /// <summary>The embedding files whose trigger word (file name) one of the texts contains, as the request's <c>Embeddings</c>.</summary>
    public IReadOnlyList<string> EmbeddingsUsedBy(IEnumerable<string> texts)
    {
        var all = texts.ToList();
        return Embeddings().Where(e => all.Any(text => text.Contains(e.Name, StringComparison.Ordinal))).Select(e => e.Path).ToList();
    }

    private static double Multiplier(string text, string name) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new ModelLoadException($"<lora:{name}:{text}>: the multiplier must be a number, such as 0.8.");

    /// <summary>Reads an embedding by trigger word, checked against the text encoder's width.</summary>
    internal TextualInversionEmbedding Embedding(string name, int hiddenSize) =>
        TextualInversionFile.Read(Find(Embeddings(), name, "embedding", EmbeddingsFolder).Path, hiddenSize);

    private static NetworkFile Find(IReadOnlyList<NetworkFile> files, string name, string kind, string folder) =>
        files.FirstOrDefault(f => f.Name == name)
        ?? files.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ModelLoadException(files.Count == 0
            ? $"No {kind} named \"{name}\": {folder} holds none."
            : $"No {kind} named \"{name}\" in {folder}. Available: {string.Join(", ", files.Select(f => f.Name))}.");

    /// <summary>Every network file by name (first in path order when two subfolders hold the same name).</summary>
    private static IReadOnlyList<string> Files(string folder)
    {
        if (!Directory.Exists(folder)) return [];
        return Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(path => Extensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .DistinctBy(path => Path.GetFileNameWithoutExtension(path))
            .OrderBy(path => Path.GetFileNameWithoutExtension(path), StringComparer.OrdinalIgnoreCase)
            .ToList();
    }

    private static NetworkFile Read(string path, Func<string, string> shortHash, Func<string, int?> textWidth) =>
        new(Path.GetFileNameWithoutExtension(path), path, HashOrEmpty(path, shortHash), textWidth(path));

    /// <summary>Pickles are listed (so using one explains why it is refused) but never opened; a corrupt file lists without a hash.</summary>
    private static string HashOrEmpty(string path, Func<string, string> shortHash)
    {
        if (PickleRefusal.HasPickleExtension(path)) return "";
        try { return shortHash(path); }
        catch (Exception e) when (e is ModelLoadException or IOException) { return ""; }
    }
}
