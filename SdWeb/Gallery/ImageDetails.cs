using Microsoft.EntityFrameworkCore;
using SdWeb.Data;
using SdWeb.Generation;

namespace SdWeb.Gallery;

/// <summary>An image with its author's name, and how it relates to reproductions: the original it re-ran, the re-runs of it.</summary>
public sealed record ImageDetailView(ImageRecord Image, string AuthorName, Reproduction? Original, IReadOnlyList<Reproduction> Reproductions);

/// <summary>The other image of an original/reproduction pair, whether the pixels are the same, and what computed it.</summary>
public sealed record Reproduction(Guid ImageId, DateTime CreatedAt, bool PixelIdentical, RanOn RanOn);

/// <summary>Reads and changes one gallery image's row (files are <see cref="Storage.ImageStore"/>'s).</summary>
public sealed class ImageDetails(IDbContextFactory<AppDbContext> dbFactory)
{
    public async Task<ImageDetailView?> FindAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var image = await db.Images.AsNoTracking().Include(i => i.User).FirstOrDefaultAsync(i => i.Id == id, cancellationToken);
        if (image is null) return null;

        var original = image.ReproducesImageId is { } originalId
            ? await db.Images.AsNoTracking().Where(i => i.Id == originalId)
                .Select(i => new Reproduction(i.Id, i.CreatedAt, i.PixelHash == image.PixelHash, new RanOn(i.Device, i.DType, i.Kernels)))
                .FirstOrDefaultAsync(cancellationToken)
            : null;
        var reproductions = await db.Images.AsNoTracking().Where(i => i.ReproducesImageId == id)
            .OrderBy(i => i.CreatedAt)
            .Select(i => new Reproduction(i.Id, i.CreatedAt, i.PixelHash == image.PixelHash, new RanOn(i.Device, i.DType, i.Kernels)))
            .ToListAsync(cancellationToken);
        return new ImageDetailView(image, image.User?.UserName ?? "", original, reproductions);
    }

    /// <summary>Reuse: the image's parameters as a request for one image; null when the image is gone.</summary>
    public async Task<JobRequest?> ReuseRequestAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var image = await db.Images.AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, cancellationToken);
        return image is null ? null : JobRequests.FromImage(image);
    }

    /// <summary>
    /// The images beside <paramref name="id"/> in the gallery's default order (newest first): the newer one comes before it,
    /// the older one after. Null where the gallery ends, or when the image is gone.
    /// </summary>
    public async Task<(Guid? Newer, Guid? Older)> NeighboursAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var createdAt = await db.Images.Where(i => i.Id == id).Select(i => (DateTime?)i.CreatedAt).FirstOrDefaultAsync(cancellationToken);
        if (createdAt is not { } at) return (null, null);
        var newer = await db.Images.Where(i => i.CreatedAt > at).OrderBy(i => i.CreatedAt)
            .Select(i => (Guid?)i.Id).FirstOrDefaultAsync(cancellationToken);
        var older = await db.Images.Where(i => i.CreatedAt < at).OrderByDescending(i => i.CreatedAt)
            .Select(i => (Guid?)i.Id).FirstOrDefaultAsync(cancellationToken);
        return (newer, older);
    }

    public async Task<bool> ExistsAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Images.AnyAsync(i => i.Id == id, cancellationToken);
    }

    /// <summary>Any team member may mark favourites (the gallery is shared). Returns the new state, null when the image is gone.</summary>
    public async Task<bool?> ToggleFavouriteAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var image = await db.Images.FindAsync([id], cancellationToken);
        if (image is null) return null;
        image.Favourite = !image.Favourite;
        await db.SaveChangesAsync(cancellationToken);
        return image.Favourite;
    }
}
