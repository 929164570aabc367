using SdWeb.Engine.Devices;
using SdWeb.Engine.Loading;
using SdWeb.Engine.Tokenization;

namespace SdWeb.Engine.Prompts;

/// <summary>
/// What the text encoder makes of a prompt, without loading the model's weights: its CLIP tokens and how many fit.
/// Not thread-safe (the tokenizer's caches): one caller at a time.
/// </summary>
public sealed class PromptAnalyzer
{
    /// <summary>Tokens CLIP reads besides its start and end markers; more are cut off.</summary>
    public const int TokenLimit = 75;

    private readonly ClipTokenizer _tokenizer;

    private PromptAnalyzer(ClipTokenizer tokenizer) => _tokenizer = tokenizer;

    /// <summary>
    /// The tokenizer of a model (a diffusers folder's own tokenizer/, or the standard CLIP one for a single-file checkpoint),
    /// after checking that the model opens.
    /// </summary>
    /// <exception cref="ModelLoadException">The model or its tokenizer cannot be read.</exception>
    public static PromptAnalyzer ForModel(string modelPath)
    {
        using var model = ModelSource.Open(modelPath, ModelPlacement.CpuFloat32);
        return new PromptAnalyzer(ClipTokenizer.FromModel(model));
    }

    /// <summary>
    /// The same tokenizer without opening the model, for counting while the model may be busy or not there yet: a
    /// diffusers folder's tokenizer/, for anything else the standard CLIP tokenizer every SD v1 checkpoint uses.
    /// </summary>
    /// <exception cref="ModelLoadException">The folder's tokenizer files cannot be read.</exception>
    public static PromptAnalyzer ForTokenizerOf(string modelPath) => new(Directory.Exists(modelPath)
        ? ClipTokenizer.FromFolder(Path.Combine(modelPath, "tokenizer"))
        : ClipTokenizer.FromFiles(TokenizerFiles.StandardClip, new ClipTokenizerSettings()));

    public PromptTokens Analyze(string prompt)
    {
        var tokens = _tokenizer.Tokenize(prompt);
        return new PromptTokens(tokens.InputIds, tokens.PromptTokenCount, tokens.TruncatedTokenCount);
    }
}
