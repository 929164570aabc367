using TorchSharp;

namespace SdWeb.Engine.Prompts;

/// <summary>
/// A job's conditioning as AUTOMATIC1111 builds it: per prompt its AND parts (weight + schedule), per negative prompt
/// its schedule. Every distinct text is encoded once, with its schedule's other texts (as A1111 batches them).
/// Tensors belong to the caller's dispose scope.
/// </summary>
internal sealed class A1111Conditioning
{
    private readonly A1111TextEncoder _encoder;
    private readonly PromptChunker _chunker;
    private readonly int _steps;
    private readonly int _clipSkip;
    private readonly Dictionary<string, ScheduledConditioning> _encoded = [];

    public A1111Conditioning(A1111TextEncoder encoder, IReadOnlyList<TextualInversionEmbedding> embeddings, int steps, int clipSkip)
    {
        _encoder = encoder;
        _chunker = encoder.Chunker(embeddings);
        _steps = steps;
        _clipSkip = clipSkip;
    }

    /// <summary>A prompt's AND parts (extra-network tags removed), each with its weight.</summary>
    public IReadOnlyList<(double Weight, ScheduledConditioning Conditioning)> Prompt(string prompt)
    {
        var parsed = A1111Prompt.Parse(prompt, _steps);
        return parsed.Parts.Select(p => (p.Weight, Text(parsed.Subprompts[p.Index]))).ToList();
    }

    /// <summary>A negative prompt: scheduled, but neither AND-split nor stripped of tags (A1111 does neither).</summary>
    public ScheduledConditioning Negative(string negativePrompt) => Text(negativePrompt);

    /// <summary>[1, 77, hidden]: the conditioning of "" that pads the shorter of cond and uncond.</summary>
    public torch.Tensor EmptyChunk() => Text("").Encoded[0];

    private ScheduledConditioning Text(string text)
    {
        if (_encoded.TryGetValue(text, out var known)) return known;
        var schedule = PromptSchedule.Of(text, _steps);
        var encoded = new ScheduledConditioning(schedule, _encoder.Encode(schedule.Select(e => e.Text).ToList(), _clipSkip, _chunker));
        _encoded[text] = encoded;
        return encoded;
    }
}
