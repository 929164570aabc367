using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using SdWeb.Data;

namespace SdWeb.Auth;

/// <summary>
/// Creates, lists, revokes and checks users' API keys. A key is 32 random bytes; only its SHA-256 is kept, so a copy
/// of the database gives nobody a working key. A check finds the row by the key's prefix and compares the hashes in
/// constant time.
/// </summary>
public sealed class ApiKeyService(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock)
{
    public const string KeyStart = "sdw_";
    private const int PrefixLength = 12;

    /// <summary>How often a key's "last used" time is written; every request would be one write per call.</summary>
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    /// <summary>Makes a key for the user; the returned secret is shown once and never stored.</summary>
    public async Task<(ApiKey Key, string Secret)> CreateAsync(string userId, string label, CancellationToken cancellationToken)
    {
        var secret = KeyStart + Base64Url(RandomNumberGenerator.GetBytes(32));
        var key = new ApiKey
        {
            UserId = userId,
            Label = string.IsNullOrWhiteSpace(label) ? "API key" : label.Trim()[..Math.Min(label.Trim().Length, 100)],
            Prefix = secret[..PrefixLength],
            Hash = HashOf(secret),
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync(cancellationToken);
        return (key, secret);
    }

    public async Task<IReadOnlyList<ApiKey>> ListAsync(string userId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.ApiKeys.Where(k => k.UserId == userId).OrderByDescending(k => k.CreatedAt).ToListAsync(cancellationToken);
    }

    /// <summary>Revokes one of the user's own keys; false if the user has no such key.</summary>
    public async Task<bool> RevokeAsync(string userId, Guid keyId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        return await db.ApiKeys.Where(k => k.Id == keyId && k.UserId == userId && k.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, now), cancellationToken) > 0;
    }

    /// <summary>The valid, unrevoked key (with its owner) the secret is, or null. Whether the owner may sign in is the caller's check.</summary>
    public async Task<ApiKey?> FindAsync(string secret, CancellationToken cancellationToken)
    {
        if (!secret.StartsWith(KeyStart, StringComparison.Ordinal) || secret.Length <= PrefixLength) return null;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var prefix = secret[..PrefixLength];
        var key = await db.ApiKeys.AsNoTracking().Include(k => k.User).FirstOrDefaultAsync(k => k.Prefix == prefix, cancellationToken);
        return key is null || key.RevokedAt is not null || !CryptographicOperations.FixedTimeEquals(HashOf(secret), key.Hash) ? null : key;
    }

    /// <summary>Notes a successful sign-in with the key (at most once per <see cref="LastUsedResolution"/>).</summary>
    public async Task NoteUseAsync(ApiKey key, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (key.LastUsedAt is not null && now - key.LastUsedAt < LastUsedResolution) return;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.ApiKeys.Where(k => k.Id == key.Id).ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, now), cancellationToken);
    }

    private static byte[] HashOf(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
