using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using SdWeb.Data;
using SdWeb.Engine.Loading;
using SdWeb.Engine.Pipelines;
using SdWeb.Engine.Pipelines.Validation;
using SdWeb.Generation.Plots;
using SdWeb.Storage;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace SdWeb.Generation;

/// <summary>
/// Runs one job on the worker's thread: marks it running (unless it was cancelled while waiting), makes each image
/// with its own engine call at seed + i (so every stored image reproduces alone), saves them, and records how it ended.
/// A failure fails only this job, with a message its user can read.
/// </summary>
public sealed class JobExecutor(
    IDbContextFactory<AppDbContext> dbFactory,
    PipelineHost pipelines,
    JobNetworks networks,
    IImageSaver images,
    JobNotifier notifier,
    JobCancellations cancellations,
    JobClaims claims,
    ImagePaths paths,
    GenerationLimits limits,
    TimeProvider time,
    ILogger<JobExecutor> logger)
{
    /// <summary>Runs a job taken from this process's <see cref="JobQueue"/>.</summary>
    public void Run(Guid jobId, CancellationToken stopping) => Run(jobId, workerId: null, stopping);

    /// <summary>
    /// Runs a job this worker claimed from the shared queue (<see cref="JobClaims"/>): it is already running under the
    /// worker's lease, and it ends (succeeded, failed, cancelled) only while the lease is still the worker's.
    /// </summary>
    public void RunClaimed(Guid jobId, string workerId, CancellationToken stopping) => Run(jobId, workerId, stopping);

    private void Run(Guid jobId, string? workerId, CancellationToken stopping)
    {
        // Registered before the job is marked running, so a cancel that finds it running always finds its token.
        using var cancellation = cancellations.Register(jobId, stopping);
        try
        {
            RunRegistered(jobId, workerId, cancellation.Token, stopping);
        }
        finally
        {
            cancellations.Unregister(jobId);
        }
    }

    private void RunRegistered(Guid jobId, string? workerId, CancellationToken cancellation, CancellationToken stopping)
    {
        using var db = dbFactory.CreateDbContext();
        if (!Start(db, jobId, workerId)) return; // cancelled while it waited, or no longer this worker's

        var job = db.Jobs.Single(j => j.Id == jobId);
        job.Seed ??= Seeds.Random();
        // Picked once for the job, as the seed: image i uses Subseed + i (AUTOMATIC1111's batch rule), so each reproduces alone.
        if (job.SubseedStrength > 0) job.Subseed ??= Seeds.Random();
        db.SaveChanges();
        Publish(job, new JobProgress(1, job.ImageCount, 0, job.Steps, TimeSpan.Zero, null));

        // A job resumed after a restart keeps the images it already saved and makes only the missing ones.
        var saved = db.Images.Where(r => r.JobId == job.Id).Select(r => new { r.Id, r.Seed, r.PlotCell, r.FilePath }).ToList();
        var imageIds = saved.Select(r => r.Id).ToList();
        var savedSeeds = saved.Select(r => r.Seed).ToHashSet();
        var cellImages = new Dictionary<int, Image<Rgb24>>();
        try
        {
            var plot = job.Plot is null ? null : XyzPlotLayout.Read(XyzPlot.FromJson(job.Plot), job.ImageCount).Layout
                ?? throw new InvalidOperationException("The job's stored X/Y/Z plot cannot be read.");
            var pipeline = pipelines.Get(job.ModelName, job.Vae);
            using var source = LoadSource(db, job);
            using var mask = job.Mask is null ? null : MaskImage.Decode(job.Mask, limits);
            // Checked before the first image: a file replaced since the job was submitted fails the job instead of changing its images.
            var (loras, embeddings) = networks.Files(job);
            for (var i = 0; i < job.ImageCount; i++)
            {
                // A plot cell is a job of its own settings (and networks); any other image is the job's at seed + i.
                var run = plot is null ? job : XyzPlotCells.Cell(job, plot, i);
                if (plot is null ? savedSeeds.Contains(job.Seed.Value + i) : saved.Any(r => r.PlotCell == i)) continue;
                if (plot is not null && run.PromptSyntax == PromptSyntax.A1111)
                {
                    (run.Loras, run.Embeddings) = networks.Resolve(run.Prompt, run.NegativePrompt);
                    (loras, embeddings) = networks.Files(run);
                }
                var seed = plot is null ? job.Seed + i : run.Seed;
                var request = JobRequests.ToGenerationRequest(run, seed, 1, source, mask, notifier.MinPreviewInterval) with
                {
                    Subseed = plot is null ? job.Subseed + i : run.Subseed,
                    Loras = loras,
                    Embeddings = embeddings,
                };
                var progress = new SyncProgress<StepProgress>(step => Publish(job, Progress(job, i, step)));
                using var image = cancellations.RegisterImage(job.Id, cancellation);
                try
                {
                    using var result = pipeline.Generate(request, progress, image.Token);
                    // A claimed job's image is saved only while the lease holds, so no image is made twice when another worker took over.
                    if (workerId is not null && !claims.RenewAsync(job.Id, workerId, CancellationToken.None).GetAwaiter().GetResult())
                    {
                        cancellations.Cancel(job.Id);
                        cancellation.ThrowIfCancellationRequested();
                    }
                    // Saved on this thread, synchronously: an image the engine finished is kept whole, never cancelled half-way.
                    imageIds.AddRange(images.Save(run, result, plot is null ? null : i).Select(r => r.Id));
                    if (plot is not null) cellImages[i] = result.Images[0].Image.Clone();
                }
                catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
                {
                    logger.LogInformation("Job {JobId}: image {Image} skipped", job.Id, i + 1); // AUTOMATIC1111's skip: on to the next image
                }
            }
            if (plot is not null)
            {
                foreach (var cell in saved.Where(r => r.PlotCell is { } c && !cellImages.ContainsKey(c)))
                    cellImages[cell.PlotCell!.Value] = Image.Load<Rgb24>(paths.Full(cell.FilePath));
                // A skipped cell stays an empty square in the grid.
                foreach (var c in Enumerable.Range(0, plot.CellCount).Where(c => !cellImages.ContainsKey(c)))
                    cellImages[c] = new Image<Rgb24>(job.Width, job.Height);
                using var grid = XyzGridImage.Draw(plot, Enumerable.Range(0, plot.CellCount).Select(c => cellImages[c]).ToList());
                job.PlotGridPath = images.SaveGrid(job, grid);
            }
            Finish(db, job, workerId, JobStatus.Succeeded, null, imageIds);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            GiveBack(db, job, workerId);
        }
        catch (OperationCanceledException)
        {
            Finish(db, job, workerId, JobStatus.Cancelled, null, imageIds);
        }
        catch (Exception e) when (workerId is null || !IsDatabaseAway(e))
        {
            logger.LogError(e, "Job {JobId} failed", job.Id);
            Finish(db, job, workerId, JobStatus.Failed, Describe(e), imageIds);
        }
        finally
        {
            foreach (var image in cellImages.Values) image.Dispose();
        }
    }

    /// <summary>The result's pixels are this executor's once the engine returns them; nothing else keeps them.</summary>
    private static JobProgress Progress(GenerationJob job, int imageIndex, StepProgress step)
    {
        var perImage = step.Elapsed + step.Eta;
        var eta = step.Eta + perImage * (job.ImageCount - imageIndex - 1);
        var preview = step.Preview is null ? null : new EncodedPreview(step.Preview);
        return new JobProgress(imageIndex + 1, job.ImageCount, step.Step, step.TotalSteps, eta, preview);
    }

    private Image<Rgb24>? LoadSource(AppDbContext db, GenerationJob job)
    {
        if (job.SourceImageId is not { } sourceId) return null;
        var path = db.Images.Where(i => i.Id == sourceId).Select(i => i.FilePath).FirstOrDefault()
            ?? throw new InvalidOperationException($"Source image {sourceId} was deleted before the job ran; pick another one.");
        return Image.Load<Rgb24>(paths.Full(path));
    }

    /// <summary>What went wrong, for the job's user: the engine's own messages already say what to do.</summary>
    private static string Describe(Exception e) => e switch
    {
        ModelLoadException or GenerationFailedException or ArgumentException or InvalidOperationException or InvalidUploadException => e.Message,
        IOException => $"Could not save the image: {e.Message}",
        _ => $"The engine failed: {WithoutNativeBacktrace(e.Message)}",
    };

    /// <summary>libtorch appends its C++ backtrace ("Exception raised from … frame #0: …"); the job's user needs the sentence before it.</summary>
    private static string WithoutNativeBacktrace(string message) =>
        message.Split("Exception raised from", 2)[0].TrimEnd();

    /// <summary>
    /// A shared database that did not answer (a restart, a network cut) does not fail a claimed job: the error goes up to
    /// the worker, the lease runs out, and the job runs again with the images already saved. The database error may sit
    /// under EF Core's own (a failed save, retries used up), so the whole chain is looked at.
    /// </summary>
    private static bool IsDatabaseAway(Exception e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
            if (inner is DbException) return true;
        return false;
    }

    /// <summary>Marks a queued job running (the single box), or checks that a claimed one is still this worker's.</summary>
    private bool Start(AppDbContext db, Guid jobId, string? workerId)
    {
        if (workerId is not null)
            return db.Jobs.Any(j => j.Id == jobId && j.Status == JobStatus.Running && j.WorkerId == workerId);
        var startedAt = Now();
        return db.Jobs.Where(j => j.Id == jobId && j.Status == JobStatus.Queued).ExecuteUpdate(s => s
            .SetProperty(j => j.Status, JobStatus.Running)
            .SetProperty(j => j.StartedAt, startedAt)
            .SetProperty(j => j.Attempts, j => j.Attempts + 1)) == 1;
    }

    /// <summary>The app is stopping, not the user: the job waits again, its start not counted, and runs after the restart or elsewhere.</summary>
    private void GiveBack(AppDbContext db, GenerationJob job, string? workerId)
    {
        if (workerId is not null)
        {
            claims.ReleaseAsync(job.Id, workerId, CancellationToken.None).GetAwaiter().GetResult();
            return;
        }
        job.Status = JobStatus.Queued;
        job.StartedAt = null;
        job.Attempts--;
        db.SaveChanges();
    }

    private void Finish(AppDbContext db, GenerationJob job, string? workerId, JobStatus status, string? error, IReadOnlyList<Guid> imageIds)
    {
        if (workerId is not null)
        {
            // Only while the lease holds: a job another worker took over is that worker's to finish.
            if (!claims.FinishAsync(job.Id, workerId, status, error, job.PlotGridPath, CancellationToken.None).GetAwaiter().GetResult())
            {
                logger.LogWarning("Job {JobId}: the lease was lost before it ended; another worker finishes it", job.Id);
                return;
            }
        }
        else
        {
            job.Status = status;
            job.Error = error;
            job.FinishedAt = Now();
            db.SaveChanges();
        }
        notifier.Publish(new JobUpdate(job.Id, job.UserId, status, Error: error, ImageIds: imageIds));
    }

    private void Publish(GenerationJob job, JobProgress progress) =>
        notifier.Publish(new JobUpdate(job.Id, job.UserId, JobStatus.Running, Progress: progress));

    private DateTime Now() => time.GetUtcNow().UtcDateTime;
}
