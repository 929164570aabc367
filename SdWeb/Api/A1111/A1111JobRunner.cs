using Microsoft.EntityFrameworkCore;
using SdWeb.Data;
using SdWeb.Generation;
using SdWeb.Storage;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;

namespace SdWeb.Api.A1111;

/// <summary>
/// AUTOMATIC1111's calls are synchronous: the job goes through the same queue as everyone's, and the HTTP call waits
/// until it has finished. Only the waiting stops when a client disconnects; the job runs on and lands in the gallery.
/// </summary>
public sealed class A1111JobRunner(IDbContextFactory<AppDbContext> dbFactory, JobNotifier notifier, ImagePaths paths)
{
    /// <summary>The finished job with its images in batch order (image i has seed + i).</summary>
    public async Task<GenerationJob> WaitAsync(Guid jobId, CancellationToken cancellationToken)
    {
        var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (notifier.SubscribeToJob(jobId, update =>
               {
                   if (update.IsFinished) finished.TrySetResult();
                   return Task.CompletedTask;
               }))
        {
            // The job may have finished before the subscription existed.
            if (!await IsFinishedAsync(jobId, cancellationToken)) await finished.Task.WaitAsync(cancellationToken);
        }
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Jobs.AsNoTracking().Include(j => j.Images.OrderBy(i => i.Seed)).SingleAsync(j => j.Id == jobId, cancellationToken);
    }

    /// <summary>An image's PNG (with its parameters chunk) and the AUTOMATIC1111 infotext it carries.</summary>
    public async Task<(byte[] Png, string Infotext)> ReadAsync(ImageRecord image, CancellationToken cancellationToken)
    {
        var png = await File.ReadAllBytesAsync(paths.Full(image.FilePath), cancellationToken);
        var text = Image.Identify(png).Metadata.GetPngMetadata().TextData.FirstOrDefault(t => t.Keyword == "parameters").Value ?? "";
        return (png, text);
    }

    private async Task<bool> IsFinishedAsync(Guid jobId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var status = await db.Jobs.Where(j => j.Id == jobId).Select(j => j.Status).SingleAsync(cancellationToken);
        return status is JobStatus.Succeeded or JobStatus.Failed or JobStatus.Cancelled;
    }
}
