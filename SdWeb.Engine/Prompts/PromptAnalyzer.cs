using System.Text.Json.Nodes;
using SdWeb.Engine.Devices;
using SdWeb.Engine.Loading;
using SdWeb.Engine.Networks;
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

    /// <summary>The text encoder's width, which embeddings must have; known only when the model was opened.</summary>
    private readonly int? _hiddenSize;

    private PromptAnalyzer(ClipTokenizer tokenizer, int? hiddenSize = null)
    {
        _tokenizer = tokenizer;
        _hiddenSize = hiddenSize;
    }

    /// <summary>
    /// The tokenizer of a model (a diffusers folder's own tokenizer/, or the standard CLIP one for a single-file checkpoint),
    /// after checking that the model opens.
    /// </summary>
    /// <exception cref="ModelLoadException">The model or its tokenizer cannot be read.</exception>
    public static PromptAnalyzer ForModel(string modelPath)
    {
        using var model = ModelSource.Open(modelPath, ModelPlacement.CpuFloat32);
        return new PromptAnalyzer(ClipTokenizer.FromModel(model), model.TextEncoder.Config.HiddenSize);
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

    /// <summary>
    /// The token count AUTOMATIC1111's prompt box shows: extra-network tags removed, over every AND part and every text the
    /// prompt's schedule reaches in <paramref name="steps"/> steps, the longest; with the room its 75-token chunks give
    /// (BREAK and the comma backtrack included), so 80 tokens read "80 / 150"; and where that text's chunks break: each
    /// chunk's own tokens and its last few words as CLIP reads them, so a writer sees which words end a chunk. One parse
    /// and one tokenization serve all three (the form asks on every keystroke).
    /// </summary>
    public (int Tokens, int Capacity, IReadOnlyList<(int Tokens, string Ending)> Chunks) CountChunked(string prompt, int steps)
    {
        const int endingTokens = 4;
        var chunker = new PromptChunker(_tokenizer, []);
        if (LongestText(prompt, steps, chunker) is not { } longest) return (0, PromptChunk.Length, []);
        var chunks = longest.Chunks.Select(chunk =>
        {
            var own = chunk.Tokens.Skip(1).TakeWhile(id => id != chunker.EosId).ToList();
            return (own.Count, _tokenizer.Decode(own.TakeLast(endingTokens)));
        }).ToList();
        return (longest.TokenCount, longest.TargetTokenCount, chunks);
    }

    private static TokenizedPrompt? LongestText(string prompt, int steps, PromptChunker chunker)
    {
        return A1111Prompt.Parse(prompt, steps).SubpromptSchedules
            .SelectMany(schedule => schedule)
            .Select(entry => chunker.Tokenize(entry.Text))
            .MaxBy(tokens => tokens.TokenCount);
    }

    /// <summary>
    /// What AUTOMATIC1111's prompt code makes of <paramref name="prompt"/>, as one JSON object shaped like an entry of the
    /// golden prompt_syntax.json: parse_prompt_attention, schedules (<c>steps_N</c>, with hires steps also
    /// <c>steps_N_hires_H</c>), extra_networks, multicond and a1111_conditioning (token chunks, multipliers, embedding fixes).
    /// </summary>
    /// <param name="embeddingPaths">Textual-inversion files whose triggers the chunks recognise.</param>
    /// <exception cref="ModelLoadException">An embedding is refused (pickle, wrong width, not an embedding).</exception>
    /// <exception cref="InvalidOperationException">Embeddings given to an analyzer made by <see cref="ForTokenizerOf"/>.</exception>
    public JsonObject Inspect(string prompt, int steps, int? hiresSteps, IReadOnlyList<string> embeddingPaths)
    {
        if (embeddingPaths.Count > 0 && _hiddenSize is null)
            throw new InvalidOperationException("Embeddings need the model's text encoder width: use PromptAnalyzer.ForModel.");
        var embeddings = embeddingPaths.Count == 0 ? [] : TextualInversionFile.ReadAll(embeddingPaths, _hiddenSize!.Value);
        try
        {
            return PromptInspector.Inspect(prompt, steps, hiresSteps, new PromptChunker(_tokenizer, embeddings));
        }
        finally
        {
            foreach (var embedding in embeddings) embedding.Vectors.Dispose();
        }
    }
}
