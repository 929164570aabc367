namespace SdWeb.Data;

/// <summary>A textual-inversion embedding a job or image used (its trigger word appears in a prompt), with A1111's short hash of the file.</summary>
public sealed record EmbeddingUse(string Name, string Hash);
