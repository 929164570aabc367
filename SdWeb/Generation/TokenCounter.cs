using System.Collections.Concurrent;
using SdWeb.Engine.Loading;
using SdWeb.Engine.Prompts;

namespace SdWeb.Generation;

/// <summary>
/// Counts a prompt's CLIP tokens for the form, with analyzers of its own (never the worker's pipeline, which is busy
/// generating), one per model: a diffusers model's tokenizer/ folder, or for single-file checkpoints the standard CLIP
/// tokenizer every SD v1 model shares.
/// </summary>
public sealed class TokenCounter(IModelLibrary library, ILogger<TokenCounter> logger)
{
    /// <summary>Tokens in one chunk of CLIP's window, besides its start and end markers.</summary>
    public const int ChunkLength = PromptAnalyzer.TokenLimit;

    private readonly ConcurrentDictionary<string, Lazy<PromptAnalyzer?>> _analyzers = new();

    /// <summary>
    /// A prompt's tokens as AUTOMATIC1111's syntax counts them (the app's jobs use it), the room its 75-token chunks
    /// give and where they break, or null when the model's tokenizer cannot be read.
    /// </summary>
    public PromptTokenCount? Count(string model, string prompt, int steps)
    {
        var analyzer = _analyzers.GetOrAdd(model, m => new Lazy<PromptAnalyzer?>(() => Open(m))).Value;
        if (analyzer is null) return null;
        // An analyzer serves one caller at a time; each is locked while it counts.
        lock (analyzer)
        {
            var (tokens, capacity, chunks) = analyzer.CountChunked(prompt, steps);
            return new PromptTokenCount(tokens, capacity, chunks);
        }
    }

    private PromptAnalyzer? Open(string model)
    {
        try
        {
            return PromptAnalyzer.ForTokenizerOf(library.ResolvePath(model));
        }
        catch (ModelLoadException e)
        {
            logger.LogWarning("No token count for {Model}: {Reason}", model, e.Message);
            return null;
        }
    }
}
