using Microsoft.EntityFrameworkCore;
using SdWeb.Data;
using SdWeb.Engine.Imaging;
using SdWeb.Engine.Pipelines;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace SdWeb.Storage;

/// <summary>
/// Keeps images and their rows together. Saving writes each PNG (with the A1111 parameters chunk) and thumbnail to a
/// temporary file, renames it into place, and only then commits the rows; if anything fails, the files written so far are
/// removed. Deleting moves the files aside, commits the row's removal, then removes the files (or moves them back).
/// </summary>
public sealed class ImageStore(
    IDbContextFactory<AppDbContext> dbFactory, ImagePaths paths, ImageFileWriter files, TimeProvider clock, ILogger<ImageStore> log)
    : IImageSaver
{
    /// <summary>
    /// Stores the images of one engine call made for <paramref name="job"/> (already in the database). Not cancellable:
    /// an image the engine finished is kept whole.
    /// </summary>
    public IReadOnlyList<ImageRecord> Save(GenerationJob job, GenerationResult result, int? plotCell = null)
    {
        var written = new List<string>();
        try
        {
            var records = WriteFiles(result.Images.Select(image => new PendingImage(
                NewRecord(job, result, image, plotCell),
                image.Image,
                stream => ParametersPng.Save(image.Image, A1111ParametersText.Format(image, result.Parameters, result.Images.Count), stream))),
                written, CancellationToken.None);
            using var db = dbFactory.CreateDbContext();
            db.Images.AddRange(records);
            db.SaveChanges();
            return records;
        }
        catch
        {
            RemoveAll(written);
            throw;
        }
    }

    /// <summary>Beside the day's images as &lt;job id&gt;.png; the job's row holds the path.</summary>
    public string SaveGrid(GenerationJob job, Image<Rgb24> grid)
    {
        var (png, _) = ImagePaths.RelativePaths(job.Id, clock.GetUtcNow().UtcDateTime);
        WriteAtomically(png, [], stream => grid.SaveAsPng(stream));
        return png;
    }

    /// <summary>Name and sampler recorded for an uploaded img2img source: it was not generated.</summary>
    public const string UploadMarker = "upload";

    /// <summary>Stores an uploaded img2img source (already checked by <see cref="UploadedImage"/>) as the user's image.</summary>
    public async Task<ImageRecord> ImportAsync(Image<Rgb24> image, string userId, CancellationToken cancellationToken)
    {
        var id = Guid.CreateVersion7();
        var created = clock.GetUtcNow().UtcDateTime;
        var (png, thumb) = ImagePaths.RelativePaths(id, created);
        var record = new ImageRecord
        {
            Id = id, UserId = userId, Prompt = "", Sampler = UploadMarker, ModelName = UploadMarker,
            Width = image.Width, Height = image.Height, CreatedAt = created, PixelHash = PixelHash.Of(image),
            FilePath = png, ThumbPath = thumb,
        };
        var written = new List<string>();
        try
        {
            WriteFiles([new PendingImage(record, image, stream => image.SaveAsPng(stream))], written, cancellationToken);
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            db.Images.Add(record);
            await db.SaveChangesAsync(cancellationToken);
            return record;
        }
        catch
        {
            RemoveAll(written);
            throw;
        }
    }

    /// <summary>A row to commit once its PNG (written by <see cref="WritePng"/>) and thumbnail are in place.</summary>
    private sealed record PendingImage(ImageRecord Record, Image<Rgb24> Image, Action<Stream> WritePng);

    /// <summary>Writes every PNG and thumbnail, adding each finished file to <paramref name="written"/>; returns the rows to commit.</summary>
    private List<ImageRecord> WriteFiles(IEnumerable<PendingImage> images, List<string> written, CancellationToken cancellationToken)
    {
        var records = new List<ImageRecord>();
        foreach (var pending in images)
        {
            cancellationToken.ThrowIfCancellationRequested();
            WriteAtomically(pending.Record.FilePath, written, pending.WritePng);
            WriteAtomically(pending.Record.ThumbPath, written, stream => Thumbnails.Save(pending.Image, stream));
            records.Add(pending.Record);
        }
        return records;
    }

    /// <summary>Undoes a save whose rows were not committed.</summary>
    private void RemoveAll(List<string> written)
    {
        foreach (var file in written) TryDelete(file);
    }

    public async Task<DeleteOutcome> DeleteAsync(Guid imageId, string userId, bool isAdmin, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var record = await db.Images.FindAsync([imageId], cancellationToken);
        if (record is null) return DeleteOutcome.NotFound;
        if (record.UserId != userId && !isAdmin) return DeleteOutcome.Forbidden;

        var moved = new List<(string From, string Aside)>();
        try
        {
            foreach (var file in new[] { paths.Full(record.FilePath), paths.Full(record.ThumbPath) }.Where(File.Exists))
            {
                var aside = file + ".deleting" + ImagePaths.TempSuffix;
                File.Move(file, aside, overwrite: true);
                moved.Add((file, aside));
            }
            db.Images.Remove(record);
            await db.SaveChangesAsync(cancellationToken);
        }
        catch
        {
            foreach (var (from, aside) in moved) File.Move(aside, from, overwrite: true);
            throw;
        }
        foreach (var (_, aside) in moved) TryDelete(aside);
        return DeleteOutcome.Deleted;
    }

    private ImageRecord NewRecord(GenerationJob job, GenerationResult result, GeneratedImage image, int? plotCell)
    {
        var p = result.Parameters;
        var id = Guid.CreateVersion7();
        var created = clock.GetUtcNow().UtcDateTime;
        var (png, thumb) = ImagePaths.RelativePaths(id, created);
        return new ImageRecord
        {
            Id = id,
            JobId = job.Id,
            UserId = job.UserId,
            Prompt = image.Prompt,
            NegativePrompt = image.NegativePrompt,
            Seed = p.Seed,
            Steps = p.Steps,
            CfgScale = p.CfgScale,
            ClipSkip = job.ClipSkip,
            Tiling = job.Tiling,
            PromptSyntax = job.PromptSyntax,
            Loras = job.Loras,
            Embeddings = job.Embeddings,
            Sampler = p.Sampler,
            Width = p.Width,
            Height = p.Height,
            Strength = p.Strength,
            SourceImageId = job.SourceImageId,
            Mask = job.Mask,
            MaskBlur = job.MaskBlur,
            InvertMask = job.InvertMask,
            InpaintOnlyMasked = job.InpaintOnlyMasked,
            InpaintPadding = job.InpaintPadding,
            MaskOverlay = job.MaskOverlay,
            Hires = job.Hires,
            // The engine's: the subseed this image was made with (none when the strength is 0).
            Subseed = p.Subseed,
            SubseedStrength = p.SubseedStrength,
            ModelName = job.ModelName,
            Vae = job.Vae,
            ModelHash = p.ModelHash,
            DType = p.DType,
            Device = p.Device,
            Kernels = p.Kernels.Name,
            DurationSeconds = result.Duration.TotalSeconds / result.Images.Count,
            CreatedAt = created,
            PixelHash = PixelHash.Of(image.Image),
            ReproducesImageId = job.ReproducesImageId,
            PlotCell = plotCell,
            FilePath = png,
            ThumbPath = thumb,
        };
    }

    /// <summary>Writes to a temporary file, flushes it to disk and renames it into place, so a reader never sees half a file.</summary>
    private void WriteAtomically(string relativePath, List<string> written, Action<Stream> write)
    {
        var path = paths.Full(relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + ImagePaths.TempSuffix;
        try
        {
            using (var stream = files.Create(temp))
            {
                write(stream);
                if (stream is FileStream file) file.Flush(flushToDisk: true);
            }
            File.Move(temp, path);
            written.Add(path);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    private void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException e) { log.LogWarning(e, "Could not remove {Path}; the start-up sweep will report it", path); }
    }
}
