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
    ImagePaths paths,
    GenerationLimits limits,
    TimeProvider time,
    ILogger<JobExecutor> logger)
{
    public void Run(Guid jobId, CancellationToken stopping)
    {
        // Registered before the job is marked running, so a cancel that finds it running always finds its token.
        using var cancellation = cancellations.Register(jobId, stopping);
        try
        {
            RunRegistered(jobId, cancellation.Token, stopping);
        }
        finally
        {
            cancellations.Unregister(jobId);
        }
    }

    private void RunRegistered(Guid jobId, CancellationToken cancellation, CancellationToken stopping)
    {
        using var db = dbFactory.CreateDbContext();
        var startedAt = Now();
        var started = db.Jobs.Where(j => j.Id == jobId && j.Status == JobStatus.Queued).ExecuteUpdate(s => s
            .SetProperty(j => j.Status, JobStatus.Running)
            .SetProperty(j => j.StartedAt, startedAt)
            .SetProperty(j => j.Attempts, j => j.Attempts + 1));
        if (started == 0) return; // cancelled while it waited

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
            Finish(db, job, JobStatus.Succeeded, null, imageIds);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The app is stopping, not the user: the job waits again and runs after the restart.
            job.Status = JobStatus.Queued;
            job.StartedAt = null;
            job.Attempts--;
            db.SaveChanges();
        }
        catch (OperationCanceledException)
        {
            Finish(db, job, JobStatus.Cancelled, null, imageIds);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Job {JobId} failed", job.Id);
            Finish(db, job, JobStatus.Failed, Describe(e), imageIds);
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
        _ => $"The engine failed: {e.Message}",
    };

    private void Finish(AppDbContext db, GenerationJob job, JobStatus status, string? error, IReadOnlyList<Guid> imageIds)
    {
        job.Status = status;
        job.Error = error;
        job.FinishedAt = Now();
        db.SaveChanges();
        notifier.Publish(new JobUpdate(job.Id, job.UserId, status, Error: error, ImageIds: imageIds));
    }

    private void Publish(GenerationJob job, JobProgress progress) =>
        notifier.Publish(new JobUpdate(job.Id, job.UserId, JobStatus.Running, Progress: progress));

    private DateTime Now() => time.GetUtcNow().UtcDateTime;
}
