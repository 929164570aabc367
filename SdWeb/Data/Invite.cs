namespace SdWeb.Data;

/// <summary>A one-use registration link an admin hands to a new team member.</summary>
public sealed class Invite
{
    /// <summary>Random URL-safe token; the link is /Account/Register?invite=&lt;token&gt;.</summary>
    public required string Token { get; set; }

    public required string CreatedByUserId { get; set; }
    public DateTime CreatedAt { get; set; } = DateTime.UtcNow;
    public DateTime ExpiresAt { get; set; }

    public DateTime? UsedAt { get; set; }
    public string? UsedByUserId { get; set; }

    public bool IsUsable(DateTime now) => UsedAt is null && now < ExpiresAt;
}
