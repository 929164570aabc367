namespace SdWeb.Engine.Prompts;

/// <summary>A text's chunks and A1111's token count (full chunks count 75, the last its own length).</summary>
internal sealed record TokenizedPrompt(IReadOnlyList<PromptChunk> Chunks, int TokenCount)
{
    /// <summary>A1111's get_target_prompt_token_count: the count rounded up to whole chunks ("81/150").</summary>
    public int TargetTokenCount => (Math.Max(TokenCount, 1) + PromptChunk.Length - 1) / PromptChunk.Length * PromptChunk.Length;
}
