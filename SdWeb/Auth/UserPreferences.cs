using Microsoft.EntityFrameworkCore;
using SdWeb.Data;

namespace SdWeb.Auth;

/// <summary>What a user chose about the app's look (theme, dismissed banner), stored on their account.</summary>
public sealed class UserPreferences(IDbContextFactory<AppDbContext> dbFactory)
{
    public async Task<bool?> DarkModeAsync(string userId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Users.Where(u => u.Id == userId).Select(u => u.DarkMode).FirstOrDefaultAsync(cancellationToken);
    }

    public Task SetDarkModeAsync(string userId, bool dark, CancellationToken cancellationToken) =>
        UpdateAsync(userId, user => user.DarkMode = dark, cancellationToken);

    public async Task<bool> IsDemoBannerDismissedAsync(string userId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Users.Where(u => u.Id == userId).Select(u => u.DemoBannerDismissed).FirstOrDefaultAsync(cancellationToken);
    }

    public Task DismissDemoBannerAsync(string userId, CancellationToken cancellationToken) =>
        UpdateAsync(userId, user => user.DemoBannerDismissed = true, cancellationToken);

    // Only the preference columns change: Identity's concurrency stamp is left alone, so an open session is not ended.
    private async Task UpdateAsync(string userId, Action<AppUser> change, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await db.Users.FirstOrDefaultAsync(u => u.Id == userId, cancellationToken) is not { } user) return;
        change(user);
        await db.SaveChangesAsync(cancellationToken);
    }
}
