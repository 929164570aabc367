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
    /// <summary>Tokens CLIP reads besides its start and end markers; more are cut off.</summary>
    public const int Limit = PromptAnalyzer.TokenLimit;

    private readonly ConcurrentDictionary<string, Lazy<PromptAnalyzer?>> _analyzers = new();

    /// <summary>Untruncated token count of a prompt, or null when the model's tokenizer cannot be read.</summary>
    public int? Count(string model, string prompt)
    {
        var analyzer = _analyzers.GetOrAdd(model, m => new Lazy<PromptAnalyzer?>(() => Open(m))).Value;
        if (analyzer is null) return null;
        // An analyzer serves one caller at a time; each is locked while it counts.
        lock (analyzer) return analyzer.Analyze(prompt).TokenCount;
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
