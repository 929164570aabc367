using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using SdWeb.Auth;
using SdWeb.Data;
using SdWeb.Engine.Pipelines.Validation;
using SdWeb.Options;
using SdWeb.Storage;

namespace SdWeb.Api;

/// <summary>
/// Image files by id only (the route accepts nothing but a GUID, so no path can be smuggled in); every signed-in team
/// member may view, the author or an admin may delete.
/// </summary>
public static class ImageEndpoints
{
    private const string Immutable = "private, max-age=31536000, immutable";

    public static WebApplication MapSdWebImageApi(this WebApplication app)
    {
        var images = app.MapGroup("/api/images").RequireAuthorization();
        images.MapGet("/{id:guid}", GetPngAsync);
        images.MapGet("/{id:guid}/thumb", GetThumbAsync);
        images.MapDelete("/{id:guid}", DeleteAsync);
        // A form post: antiforgery-checked (the token is on every page), like the account forms.
        images.MapPost("/", UploadAsync);
        // What the start-up sweep found (orphan files, rows without files): kept for an administrator to act on.
        app.MapGet("/api/admin/storage", (StorageSweep sweep) => TypedResults.Ok(sweep.LastReport))
            .RequireAuthorization(policy => policy.RequireRole(Roles.Admin));
        return app;
    }

    /// <summary>The PNG (with its parameters chunk); <c>?download=true</c> makes the browser save it under a descriptive name.</summary>
    private static async Task<IResult> GetPngAsync(Guid id, bool? download, AppDbContext db, ImagePaths paths, HttpContext http)
    {
        var image = await db.Images.AsNoTracking().FirstOrDefaultAsync(i => i.Id == id);
        if (image is null || !File.Exists(paths.Full(image.FilePath))) return TypedResults.NotFound();
        http.Response.Headers.CacheControl = Immutable;
        return TypedResults.PhysicalFile(paths.Full(image.FilePath), "image/png",
            fileDownloadName: download == true ? DownloadName(image) : null);
    }

    private static async Task<IResult> GetThumbAsync(Guid id, AppDbContext db, ImagePaths paths, HttpContext http)
    {
        var image = await db.Images.AsNoTracking().FirstOrDefaultAsync(i => i.Id == id);
        if (image is null || !File.Exists(paths.Full(image.ThumbPath))) return TypedResults.NotFound();
        http.Response.Headers.CacheControl = Immutable;
        return TypedResults.PhysicalFile(paths.Full(image.ThumbPath), Thumbnails.ContentType);
    }

    private static async Task<IResult> DeleteAsync(Guid id, ClaimsPrincipal user, ImageStore store, CancellationToken cancellationToken) =>
        await store.DeleteAsync(id, user.UserId(), user.IsAdmin(), cancellationToken) switch
        {
            DeleteOutcome.Deleted => TypedResults.NoContent(),
            DeleteOutcome.Forbidden => TypedResults.Problem("Only the image's author or an administrator may delete it.", statusCode: StatusCodes.Status403Forbidden),
            _ => TypedResults.NotFound(),
        };

    /// <summary>An img2img source: checked (bytes, header dimensions, decodable) before it is stored; answers its id.</summary>
    private static async Task<IResult> UploadAsync(IFormFile file, ClaimsPrincipal user, ImageStore store, SdWebOptions options,
        GenerationLimits limits, CancellationToken cancellationToken)
    {
        if (file.Length > options.MaxUploadBytes)
            return TypedResults.Problem(UploadedImage.TooLarge(file.FileName, options), statusCode: StatusCodes.Status413PayloadTooLarge);
        try
        {
            await using var stream = file.OpenReadStream();
            using var image = await UploadedImage.ReadAsync(stream, file.FileName, options, limits, cancellationToken);
            var record = await store.ImportAsync(image, user.UserId(), cancellationToken);
            return TypedResults.Created($"/api/images/{record.Id}", new { id = record.Id });
        }
        catch (InvalidUploadException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status400BadRequest);
        }
    }

    public static string DownloadName(ImageRecord image) => $"sdweb-{image.CreatedAt:yyyyMMdd-HHmmss}-{image.Seed}.png";
}
