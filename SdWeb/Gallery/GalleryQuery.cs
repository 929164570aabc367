namespace SdWeb.Gallery;

public enum GallerySort
{
    Newest,
    Oldest,
}

/// <summary>
/// What the gallery shows: every field narrows the set (null/false = no filter). <see cref="Text"/> is a full-text search
/// over prompt and negative prompt (every word must match, as a prefix); <see cref="Seed"/> matches exactly.
/// Dates are UTC days, both ends included.
/// </summary>
public sealed record GalleryQuery
{
    public string? Text { get; init; }
    public long? Seed { get; init; }
    public string? ModelName { get; init; }
    public string? Sampler { get; init; }
    public string? UserId { get; init; }
    public DateOnly? From { get; init; }
    public DateOnly? To { get; init; }
    public bool FavouritesOnly { get; init; }
    public GallerySort Sort { get; init; } = GallerySort.Newest;
}

/// <summary>One thumbnail's worth of an image.</summary>
public sealed record GalleryItem(
    Guid Id, string Prompt, long Seed, string ModelName, string Sampler, int Width, int Height, string UserName, DateTime CreatedAt, bool Favourite);

public sealed record GalleryPage(IReadOnlyList<GalleryItem> Items, int Total, int PageIndex, int PageSize)
{
    public int PageCount => Math.Max(1, (Total + PageSize - 1) / PageSize);
}

/// <summary>Values the filters offer: what exists in the gallery now.</summary>
public sealed record GalleryFacets(IReadOnlyList<string> Models, IReadOnlyList<string> Samplers, IReadOnlyList<GalleryUser> Users);

public sealed record GalleryUser(string Id, string UserName);
