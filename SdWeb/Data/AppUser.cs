using Microsoft.AspNetCore.Identity;

namespace SdWeb.Data;

/// <summary>A team member. The first registered user is made admin; admins manage accounts and invites.</summary>
public sealed class AppUser : IdentityUser
{
    public bool IsAdmin { get; set; }

    public DateTime CreatedAt { get; set; } = DateTime.UtcNow;

    /// <summary>The theme the user chose with the app bar's toggle; null follows the system's light/dark preference.</summary>
    public bool? DarkMode { get; set; }

    /// <summary>The user closed the demo-model banner; it stays closed on every device.</summary>
    public bool DemoBannerDismissed { get; set; }
}
