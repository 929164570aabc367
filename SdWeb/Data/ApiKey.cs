namespace SdWeb.Data;

/// <summary>
/// A user's key for scripts and AUTOMATIC1111 clients. Only the key's SHA-256 is stored; <see cref="Prefix"/> (the
/// key's first characters) finds the row and lets the owner tell keys apart without the secret.
/// </summary>
public sealed class ApiKey
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public required string UserId { get; set; }
    public AppUser? User { get; set; }

    public required string Label { get; set; }
    public required string Prefix { get; set; }

    /// <summary>SHA-256 of the whole key.</summary>
    public required byte[] Hash { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime? LastUsedAt { get; set; }
    public DateTime? RevokedAt { get; set; }
}
