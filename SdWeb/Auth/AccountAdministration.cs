using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using SdWeb.Data;

namespace SdWeb.Auth;

/// <summary>
/// What an administrator does to an existing account: change its role, lock or unlock it, set a new password, delete it.
/// The guards live here, not only in the UI: the acting user must still be an administrator, nobody demotes, locks or
/// deletes themselves, the last administrator who can sign in keeps that power, and an account that owns jobs or images
/// is never deleted (the gallery is the team's record). Every change renews the user's security stamp, which ends their
/// open sessions at the next check (<see cref="AuthServiceCollectionExtensions.SessionRecheckInterval"/>).
/// </summary>
public sealed class AccountAdministration(UserManager<AppUser> users, AppDbContext db, TimeProvider clock, ILogger<AccountAdministration> log)
{
    /// <summary>Serialises changes so two administrators demoting or locking each other at once cannot both succeed.</summary>
    private static readonly SemaphoreSlim ChangeLock = new(1, 1);

    public Task<IdentityResult> SetAdminAsync(string actorId, string userId, bool isAdmin, CancellationToken cancellationToken = default) =>
        ChangeAsync(actorId, userId, isAdmin ? "made administrator" : "made member", cancellationToken, async (actor, user) =>
        {
            if (!isAdmin && actor.Id == user.Id) return Failed("You cannot take away your own administrator role; ask another administrator.");
            if (!isAdmin && await IsLastAdminAsync(user, cancellationToken)) return LastAdmin(user);
            user.IsAdmin = isAdmin;
            return await users.UpdateSecurityStampAsync(user);
        });

    public Task<IdentityResult> LockAsync(string actorId, string userId, CancellationToken cancellationToken = default) =>
        ChangeAsync(actorId, userId, "locked", cancellationToken, async (actor, user) =>
        {
            if (actor.Id == user.Id) return Failed("You cannot lock your own account.");
            if (await IsLastAdminAsync(user, cancellationToken)) return LastAdmin(user);
            user.LockoutEnabled = true;
            user.LockoutEnd = AccountLock.ByAdministrator;
            return await users.UpdateSecurityStampAsync(user);
        });

    /// <summary>Ends an administrator's lock or a lockout after failed sign-ins, and forgets the failed attempts.</summary>
    public Task<IdentityResult> UnlockAsync(string actorId, string userId, CancellationToken cancellationToken = default) =>
        ChangeAsync(actorId, userId, "unlocked", cancellationToken, async (_, user) =>
        {
            user.LockoutEnd = null;
            user.AccessFailedCount = 0;
            return await users.UpdateSecurityStampAsync(user);
        });

    /// <summary>For someone who forgot theirs: Identity's password rules apply; the stamp is renewed with the new hash.</summary>
    public Task<IdentityResult> SetPasswordAsync(string actorId, string userId, string newPassword, CancellationToken cancellationToken = default) =>
        ChangeAsync(actorId, userId, "given a new password", cancellationToken, async (_, user) =>
            await users.ResetPasswordAsync(user, await users.GeneratePasswordResetTokenAsync(user), newPassword));

    public Task<IdentityResult> DeleteAsync(string actorId, string userId, CancellationToken cancellationToken = default) =>
        ChangeAsync(actorId, userId, "deleted", cancellationToken, async (actor, user) =>
        {
            if (actor.Id == user.Id) return Failed("You cannot delete your own account.");
            if (await IsLastAdminAsync(user, cancellationToken)) return LastAdmin(user);
            // One statement checks and deletes, so a job stored meanwhile cannot slip between the check and the delete.
            int deleted = await db.Users
                .Where(u => u.Id == user.Id && !db.Jobs.Any(j => j.UserId == user.Id) && !db.Images.Any(i => i.UserId == user.Id))
                .ExecuteDeleteAsync(cancellationToken);
            return deleted == 1
                ? IdentityResult.Success
                : Failed($"{user.UserName} owns jobs or images, which the gallery keeps. Lock the account instead of deleting it.");
        });

    /// <param name="done">What happened to the account, for the log ("locked").</param>
    private async Task<IdentityResult> ChangeAsync(
        string actorId, string userId, string done, CancellationToken cancellationToken, Func<AppUser, AppUser, Task<IdentityResult>> change)
    {
        await ChangeLock.WaitAsync(cancellationToken);
        try
        {
            var actor = await users.FindByIdAsync(actorId);
            if (actor is not { IsAdmin: true }) return Failed("Only administrators manage accounts.");
            var user = await users.FindByIdAsync(userId);
            if (user is null) return Failed("That account does not exist (any more).");
            var result = await change(actor, user);
            if (result.Succeeded) log.LogInformation("Account {User} {Done} by {Admin}", user.UserName, done, actor.UserName);
            return result;
        }
        finally { ChangeLock.Release(); }
    }

    /// <summary>True when no other administrator could still sign in if this one lost the role or the account.</summary>
    private async Task<bool> IsLastAdminAsync(AppUser user, CancellationToken cancellationToken)
    {
        if (!user.IsAdmin) return false;
        var others = await users.Users.Where(u => u.IsAdmin && u.Id != user.Id).ToListAsync(cancellationToken);
        var now = clock.GetUtcNow();
        return others.All(other => AccountLock.IsLocked(other, now));
    }

    private static IdentityResult LastAdmin(AppUser user) =>
        Failed($"{user.UserName} is the last administrator who can sign in. Make another account administrator first.");

    private static IdentityResult Failed(string message) => IdentityResult.Failed(new IdentityError { Description = message });
}
