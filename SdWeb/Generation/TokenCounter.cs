using System.Collections.Concurrent;
using SdWeb.Engine.Loading;
using SdWeb.Engine.Tokenization;
using SdWeb.Options;

namespace SdWeb.Generation;

/// <summary>
/// Counts a prompt's CLIP tokens for the form, with tokenizers of its own (never the worker's pipeline, which is busy
/// generating): a diffusers model's tokenizer/ folder, or for single-file checkpoints the standard CLIP vocabulary
/// every SD v1 model shares, written once to the data folder.
/// </summary>
public sealed class TokenCounter(IModelLibrary library, SdWebOptions options, ILogger<TokenCounter> logger)
{
    /// <summary>Tokens CLIP reads besides its start and end markers; more are cut off.</summary>
    public const int Limit = 75;

    private readonly ConcurrentDictionary<string, Lazy<Tokenizer?>> _tokenizers = new();

    /// <summary>Untruncated token count of a prompt, or null when the model's tokenizer cannot be read.</summary>
    public int? Count(string model, string prompt)
    {
        var tokenizer = _tokenizers.GetOrAdd(model, m => new Lazy<Tokenizer?>(() => Open(m))).Value;
        if (tokenizer is null) return null;
        lock (tokenizer) return tokenizer.Clip.Tokenize(prompt).PromptTokenCount;
    }

    private Tokenizer? Open(string model)
    {
        try
        {
            var path = library.ResolvePath(model);
            var folder = Directory.Exists(path) ? Path.Combine(path, "tokenizer") : StandardClipFolder();
            return new Tokenizer(ClipTokenizer.FromFolder(folder));
        }
        catch (ModelLoadException e)
        {
            logger.LogWarning("No token count for {Model}: {Reason}", model, e.Message);
            return null;
        }
    }

    private string StandardClipFolder()
    {
        var folder = Path.Combine(options.DataPath, "cache", "clip-tokenizer");
        var vocab = Path.Combine(folder, TokenizerFiles.VocabFileName);
        var merges = Path.Combine(folder, TokenizerFiles.MergesFileName);
        if (File.Exists(vocab) && File.Exists(merges)) return folder;
        Directory.CreateDirectory(folder);
        Materialize(TokenizerFiles.StandardClip.OpenMerges, merges);
        Materialize(TokenizerFiles.StandardClip.OpenVocab, vocab);
        return folder;
    }

    private static void Materialize(Func<Stream> open, string path)
    {
        var temp = path + ".tmp";
        using (var source = open())
        using (var target = File.Create(temp))
            source.CopyTo(target);
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>The engine's tokenizer is not documented as thread-safe; each one is locked while it counts.</summary>
    private sealed record Tokenizer(ClipTokenizer Clip);
}
