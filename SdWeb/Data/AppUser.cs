using Microsoft.AspNetCore.Identity;

namespace SdWeb.Data;

/// <summary>A team member. The first registered user is made admin; admins manage accounts and invites.</summary>
public sealed class AppUser : IdentityUser
{
    public bool IsAdmin { get; set; }

    public DateTime CreatedAt { get; set; } = DateTime.UtcNow;
}
