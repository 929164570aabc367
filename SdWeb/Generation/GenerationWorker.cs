using Microsoft.EntityFrameworkCore;
using SdWeb.Data;

namespace SdWeb.Generation;

/// <summary>
/// The engine's one owner: at start it makes sure there is a model (the demo on first run), rebuilds the queue from the database (a job interrupted by a crash waits again,
/// once), then runs jobs one at a time on a dedicated thread.
/// </summary>
public sealed class GenerationWorker(
    IDbContextFactory<AppDbContext> dbFactory,
    JobQueue queue,
    JobExecutor executor,
    QueuePositions positions,
    DemoModel demoModel,
    PipelineHost pipelines,
    ILogger<GenerationWorker> logger) : BackgroundService
{
    /// <summary>A job that was running when the process died twice in a row is not tried a third time.</summary>
    public const int MaxAttempts = 2;

    public const string InterruptedTwice =
        "The app stopped twice while this job was running, so it was not tried again. Submit it again, perhaps with a smaller size or fewer steps.";

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        demoModel.EnsureAnyModelOrLog(logger);
        await RestoreQueueAsync(cancellationToken);
        positions.Publish();
        await base.StartAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => EngineThread.Start(() => RunJobs(stoppingToken), pipelines);

    private void RunJobs(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            QueuedJob next;
            try
            {
                next = queue.DequeueAsync(stopping).GetAwaiter().GetResult();
            }
            catch (OperationCanceledException)
            {
                return;
            }
            executor.Run(next.JobId, stopping);
        }
    }

    internal async Task RestoreQueueAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // A job leased by a worker elsewhere (JobClaims) is that worker's; its lease, not this restart, decides its fate.
        var interrupted = await db.Jobs.Where(j => j.Status == JobStatus.Running && j.WorkerId == null).ToListAsync(cancellationToken);
        foreach (var job in interrupted)
        {
            if (job.Attempts >= MaxAttempts)
            {
                job.Status = JobStatus.Failed;
                job.Error = InterruptedTwice;
                job.FinishedAt = DateTime.UtcNow;
            }
            else
            {
                job.Status = JobStatus.Queued;
                job.StartedAt = null;
            }
        }
        await db.SaveChangesAsync(cancellationToken);

        var waiting = await db.Jobs.Where(j => j.Status == JobStatus.Queued)
            .Select(j => new QueuedJob(j.Id, j.UserId, j.Sequence))
            .ToListAsync(cancellationToken);
        queue.Restore(waiting);
        if (interrupted.Count > 0 || waiting.Count > 0)
            logger.LogInformation("Queue restored: {Waiting} waiting, {Interrupted} interrupted by the last stop", waiting.Count, interrupted.Count);
    }
}
