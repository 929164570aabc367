using Microsoft.EntityFrameworkCore;
using SdWeb.Data;

namespace SdWeb.Gallery;

/// <summary>Finds images for the gallery: SQLite FTS5 or PostgreSQL's tsvector index for text, indexed columns for the rest, one page at a time.</summary>
public sealed class GallerySearch(IDbContextFactory<AppDbContext> dbFactory)
{
    public const int MaxPageSize = 200;

    public async Task<GalleryPage> SearchAsync(GalleryQuery query, int pageIndex, int pageSize, CancellationToken cancellationToken = default)
    {
        if (pageIndex < 0) throw new ArgumentOutOfRangeException(nameof(pageIndex), pageIndex, "The page index starts at 0.");
        if (pageSize is < 1 or > MaxPageSize)
            throw new ArgumentOutOfRangeException(nameof(pageSize), pageSize, $"A page holds 1 to {MaxPageSize} images.");

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var images = Filter(db, query);
        var total = await images.CountAsync(cancellationToken);
        var ordered = query.Sort == GallerySort.Oldest
            ? images.OrderBy(i => i.CreatedAt).ThenBy(i => i.Id)
            : images.OrderByDescending(i => i.CreatedAt).ThenByDescending(i => i.Id);
        var items = await ordered
            .Skip(pageIndex * pageSize)
            .Take(pageSize)
            .Select(i => new GalleryItem(i.Id, i.Prompt, i.Seed, i.ModelName, i.Sampler, i.Width, i.Height,
                i.User!.UserName ?? "", i.CreatedAt, i.Favourite))
            .ToListAsync(cancellationToken);
        return new GalleryPage(items, total, pageIndex, pageSize);
    }

    public async Task<GalleryFacets> FacetsAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var models = await db.Images.Select(i => i.ModelName).Distinct().OrderBy(m => m).ToListAsync(cancellationToken);
        var samplers = await db.Images.Select(i => i.Sampler).Distinct().OrderBy(s => s).ToListAsync(cancellationToken);
        var users = await db.Users.OrderBy(u => u.UserName).Select(u => new GalleryUser(u.Id, u.UserName ?? "")).ToListAsync(cancellationToken);
        return new GalleryFacets(models, samplers, users);
    }

    private static IQueryable<ImageRecord> Filter(AppDbContext db, GalleryQuery query)
    {
        var images = query.Text is null ? db.Images.AsNoTracking() : MatchingText(db, query.Text);

        if (query.Seed is { } seed) images = images.Where(i => i.Seed == seed);
        if (!string.IsNullOrEmpty(query.ModelName)) images = images.Where(i => i.ModelName == query.ModelName);
        if (!string.IsNullOrEmpty(query.Sampler)) images = images.Where(i => i.Sampler == query.Sampler);
        if (!string.IsNullOrEmpty(query.UserId)) images = images.Where(i => i.UserId == query.UserId);
        if (query.FavouritesOnly) images = images.Where(i => i.Favourite);
        if (query.From is { } from)
        {
            var start = from.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            images = images.Where(i => i.CreatedAt >= start);
        }
        if (query.To is { } to)
        {
            var end = to.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            images = images.Where(i => i.CreatedAt < end);
        }
        return images;
    }

    /// <summary>The images whose prompts hold every word typed (as prefixes), through each database's full-text index.</summary>
    private static IQueryable<ImageRecord> MatchingText(AppDbContext db, string text)
    {
        if (db is PostgresAppDbContext)
        {
            var words = ImageSearch.Words(text).ToArray();
            return words.Length == 0
                ? db.Images.AsNoTracking()
                : db.Images.FromSql($"SELECT * FROM \"Images\" WHERE \"SearchVector\" @@ sdweb_search_query({words})").AsNoTracking();
        }
        var match = ImageSearch.ToMatchQuery(text);
        return match is null
            ? db.Images.AsNoTracking()
            : db.Images.FromSql($"SELECT * FROM Images WHERE Id IN (SELECT ImageId FROM ImageSearch WHERE ImageSearch MATCH {match})").AsNoTracking();
    }
}
