using System.Reflection;
using System.Text;

namespace SdWeb.Engine.Loading;

/// <summary>The CLIP BPE tokenizer's vocab.json and merges.txt, from a model folder or built into the engine.</summary>
internal sealed record TokenizerFiles(string Description, Func<Stream> OpenVocab, Func<Stream> OpenMerges)
{
    public const string VocabFileName = "vocab.json";
    public const string MergesFileName = "merges.txt";

    /// <summary>Where a single-file checkpoint whose model has its own vocabulary (SdWeb's demo model) keeps it: its metadata.</summary>
    public const string VocabMetadataKey = "sdweb.tokenizer.vocab.json", MergesMetadataKey = "sdweb.tokenizer.merges.txt";

    /// <summary>The standard CLIP ViT-L/14 vocabulary every SD v1 model uses (the single-file checkpoints do not carry it).</summary>
    public static TokenizerFiles StandardClip { get; } = new(
        "built-in CLIP ViT-L/14 tokenizer",
        () => EmbeddedResources.Open("clip-vocab.json"),
        () => EmbeddedResources.Open("clip-merges.txt"));

    /// <summary>The tokenizer a checkpoint's metadata carries, or null when it has none (it uses <see cref="StandardClip"/>).</summary>
    public static TokenizerFiles? FromMetadata(IReadOnlyDictionary<string, string> metadata, string description) =>
        metadata.TryGetValue(VocabMetadataKey, out var vocab) && metadata.TryGetValue(MergesMetadataKey, out var merges)
            ? new TokenizerFiles($"tokenizer in {description}", () => Utf8(vocab), () => Utf8(merges))
            : null;

    private static MemoryStream Utf8(string text) => new(Encoding.UTF8.GetBytes(text), writable: false);

    public static TokenizerFiles FromFolder(string dir)
    {
        var vocab = Path.Combine(dir, VocabFileName);
        var merges = Path.Combine(dir, MergesFileName);
        foreach (var f in new[] { vocab, merges })
            if (!File.Exists(f))
                throw new ModelLoadException($"{dir}: the tokenizer folder has no {Path.GetFileName(f)}; it needs vocab.json and merges.txt (CLIPTokenizer files).");
        return new TokenizerFiles(dir, () => File.OpenRead(vocab), () => File.OpenRead(merges));
    }
}

/// <summary>Files built into SdWeb.Engine (Loading/Resources).</summary>
internal static class EmbeddedResources
{
    public static Stream Open(string name) =>
        Assembly.GetExecutingAssembly().GetManifestResourceStream("SdWeb.Engine." + name)
        ?? throw new InvalidOperationException($"SdWeb.Engine is built without its embedded resource {name}.");
}
