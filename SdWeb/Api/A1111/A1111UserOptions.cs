using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SdWeb.Data;

namespace SdWeb.Api.A1111;

/// <summary>
/// What each user wrote with <c>POST /sdapi/v1/options</c>, kept in the database (table ApiOptions) and read back by
/// <c>GET options</c>; the known keys (<see cref="A1111KnownOptions"/>) change that user's txt2img/img2img calls.
/// </summary>
public sealed class A1111UserOptions(IDbContextFactory<AppDbContext> dbFactory)
{
    public async Task<IReadOnlyDictionary<string, JsonElement>> OfAsync(string userId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.ApiOptions.AsNoTracking().Where(o => o.UserId == userId).ToListAsync(cancellationToken);
        return rows.ToDictionary(o => o.Key, o => JsonElement.Parse(o.Json), StringComparer.Ordinal);
    }

    /// <summary>Stores values already checked by <see cref="A1111KnownOptions.Check"/>, replacing earlier values of the same keys.</summary>
    public async Task SetAsync(string userId, IReadOnlyDictionary<string, JsonElement> values, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var keys = values.Keys.ToList();
        var existing = await db.ApiOptions.Where(o => o.UserId == userId && keys.Contains(o.Key)).ToDictionaryAsync(o => o.Key, cancellationToken);
        foreach (var (key, value) in values)
        {
            if (existing.TryGetValue(key, out var row)) row.Json = value.GetRawText();
            else db.ApiOptions.Add(new ApiOption { UserId = userId, Key = key, Json = value.GetRawText() });
        }
        await db.SaveChangesAsync(cancellationToken);
    }
}
