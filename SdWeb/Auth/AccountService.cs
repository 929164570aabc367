using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using SdWeb.Data;

namespace SdWeb.Auth;

/// <summary>
/// Who may create an account: the very first user registers freely and becomes admin; after that registration needs an
/// unused, unexpired invite, or an admin creates the account.
/// </summary>
public sealed class AccountService(UserManager<AppUser> users, AppDbContext db, TimeProvider clock)
{
    public static readonly TimeSpan InviteLifetime = TimeSpan.FromDays(7);

    /// <summary>Serialises registrations so two people racing to be first cannot both become admin.</summary>
    private static readonly SemaphoreSlim RegistrationLock = new(1, 1);

    public Task<bool> AnyUserExistsAsync(CancellationToken cancellationToken = default) => users.Users.AnyAsync(cancellationToken);

    /// <summary>Self-registration: the first user (no invite needed, becomes admin) or someone holding an invite.</summary>
    public async Task<IdentityResult> RegisterAsync(string userName, string password, string? inviteToken, CancellationToken cancellationToken = default)
    {
        await RegistrationLock.WaitAsync(cancellationToken);
        try
        {
            if (!await AnyUserExistsAsync(cancellationToken))
                return await CreateUserAsync(userName, password, isAdmin: true);

            var invite = string.IsNullOrEmpty(inviteToken) ? null : await db.Invites.FindAsync([inviteToken], cancellationToken);
            if (invite is null || !invite.IsUsable(clock.GetUtcNow().UtcDateTime))
                return Failed("Registration needs a valid invite link. Ask an administrator for one (invites are used once and expire after 7 days).");

            var result = await CreateUserAsync(userName, password, isAdmin: false);
            if (!result.Succeeded) return result;
            invite.UsedAt = clock.GetUtcNow().UtcDateTime;
            invite.UsedByUserId = (await users.FindByNameAsync(userName))!.Id;
            await db.SaveChangesAsync(cancellationToken);
            return result;
        }
        finally { RegistrationLock.Release(); }
    }

    /// <summary>An admin creates an account directly.</summary>
    public async Task<IdentityResult> CreateAccountAsync(string userName, string password, bool isAdmin, CancellationToken cancellationToken = default)
    {
        await RegistrationLock.WaitAsync(cancellationToken);
        try { return await CreateUserAsync(userName, password, isAdmin); }
        finally { RegistrationLock.Release(); }
    }

    public async Task<Invite> CreateInviteAsync(string adminUserId, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var invite = new Invite
        {
            Token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
            CreatedByUserId = adminUserId,
            CreatedAt = now,
            ExpiresAt = now + InviteLifetime,
        };
        db.Invites.Add(invite);
        await db.SaveChangesAsync(cancellationToken);
        return invite;
    }

    public async Task<IReadOnlyList<Invite>> OpenInvitesAsync(CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return await db.Invites.Where(i => i.UsedAt == null && i.ExpiresAt > now).OrderByDescending(i => i.CreatedAt).ToListAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<AppUser>> AllUsersAsync(CancellationToken cancellationToken = default) =>
        await users.Users.OrderBy(u => u.UserName).ToListAsync(cancellationToken);

    private async Task<IdentityResult> CreateUserAsync(string userName, string password, bool isAdmin)
    {
        var user = new AppUser { UserName = userName.Trim(), IsAdmin = isAdmin, CreatedAt = clock.GetUtcNow().UtcDateTime };
        return await users.CreateAsync(user, password);
    }

    private static IdentityResult Failed(string message) => IdentityResult.Failed(new IdentityError { Description = message });
}
