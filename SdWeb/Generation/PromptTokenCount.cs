namespace SdWeb.Generation;

/// <summary>What the prompt box shows under a prompt: A1111's token count, the room its chunks give, and where they break.</summary>
/// <param name="Chunks">Each chunk's own tokens and its last words.</param>
public sealed record PromptTokenCount(int Tokens, int Capacity, IReadOnlyList<(int Tokens, string Ending)> Chunks);
