namespace SdWeb.Engine.Tokenization;

/// <summary>One prompt as the text encoder receives it.</summary>
/// <param name="InputIds">BOS, at most MaxLength-2 prompt tokens, EOS, then padding: always MaxLength ids.</param>
/// <param name="AttentionMask">1 for BOS, the kept tokens and EOS; 0 for padding.</param>
/// <param name="UntruncatedIds">BOS, every prompt token, EOS: no truncation, no padding.</param>
internal sealed record ClipTokenization(IReadOnlyList<int> InputIds, IReadOnlyList<int> AttentionMask, IReadOnlyList<int> UntruncatedIds)
{
    /// <summary>The prompt's own tokens, without BOS/EOS.</summary>
    public int PromptTokenCount => UntruncatedIds.Count - 2;

    /// <summary>How many prompt tokens did not fit and were cut off (the UI warns about them).</summary>
    public int TruncatedTokenCount => UntruncatedIds.Count - AttentionMask.Count(m => m == 1);

    public bool IsTruncated => TruncatedTokenCount > 0;
}
