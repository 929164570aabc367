namespace SdWeb.Engine.Prompts;

/// <summary>A prompt as the text encoder receives it.</summary>
/// <param name="InputIds">Start marker, the tokens that fit, end marker, then padding: the ids the text encoder reads.</param>
/// <param name="TokenCount">The prompt's own tokens without the markers, before truncation.</param>
/// <param name="TruncatedCount">How many of them do not fit and are cut off.</param>
public sealed record PromptTokens(IReadOnlyList<int> InputIds, int TokenCount, int TruncatedCount)
{
    public bool IsTruncated => TruncatedCount > 0;
}
