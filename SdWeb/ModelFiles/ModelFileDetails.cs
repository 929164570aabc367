namespace SdWeb.ModelFiles;

/// <summary>
/// What reading a file tells: A1111's short hash (10 hex digits for checkpoints and VAEs, 12 for LoRAs and embeddings, as
/// infotexts write them; empty when the file cannot be read) and the text-encoder family it is for (null: unknown).
/// </summary>
public sealed record ModelFileDetails(string ShortHash, string? Family);
