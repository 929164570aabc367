namespace SdWeb.ModelFiles;

/// <summary>
/// A download an admin asks for: a diffusers repository from the Hugging Face hub (<see cref="Repository"/>, a checkpoint),
/// or one file from a direct http(s) <see cref="Url"/> whose SHA-256 must be <see cref="Sha256"/>.
/// </summary>
public sealed record ModelDownloadRequest
{
    public ModelKind Kind { get; init; } = ModelKind.Checkpoint;

    /// <summary>A Hugging Face repository id (owner/name).</summary>
    public string? Repository { get; init; }

    public string? Url { get; init; }

    /// <summary>The file's expected SHA-256 (64 hex digits), checked before the file is put in place.</summary>
    public string? Sha256 { get; init; }

    /// <summary>The name to save the file under; empty = the URL's last path segment.</summary>
    public string? FileName { get; init; }
}
