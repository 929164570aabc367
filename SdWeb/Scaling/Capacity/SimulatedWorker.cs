using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using SdWeb.Data;
using SdWeb.Engine.Pipelines;
using SdWeb.Generation;

namespace SdWeb.Scaling.Capacity;

/// <summary>
/// A worker with a fake engine: it claims through <see cref="JobClaims"/> like a real one, renews the lease while the
/// job runs, publishes a progress update per step (with a latent-sized preview whenever the notifier's rate allows one,
/// as the engine makes them) into its own <see cref="JobNotifier"/>, which its Redis relay sends on, sleeps the step time,
/// and marks the job done. It stops when nothing is left to claim.
/// </summary>
internal sealed class SimulatedWorker(
    string id, JobClaims claims, IDbContextFactory<AppDbContext> dbFactory, JobNotifier notifier, CapacitySettings settings, CapacityLog log)
{
    private static readonly string[] Models = [CapacitySettings.Model];

    /// <summary>A 64×64 preview, the size of SD 1.5's latent preview at 512², encoded once.</summary>
    private static readonly Lazy<byte[]> PreviewJpeg = new(() => PreviewEncoder.ToJpeg(
        new PreviewImage(64, 64, [.. Enumerable.Range(0, 64 * 64 * 3).Select(i => (byte)(i * 7))], IsFullDecode: false)));

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var asked = Stopwatch.GetTimestamp();
            var claim = await claims.ClaimNextAsync(id, Models, cancellationToken);
            if (claim is null) return; // every job was submitted before the workers started: an empty queue stays empty
            log.Claimed(id, claim, Stopwatch.GetElapsedTime(asked));
            await RunJobAsync(claim, cancellationToken);
        }
    }

    private async Task RunJobAsync(JobClaim claim, CancellationToken cancellationToken)
    {
        using var running = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var heartbeat = RenewWhileRunningAsync(claim.JobId, running.Token);
        var started = Stopwatch.GetTimestamp();
        long? lastPreview = null;
        Publish(claim, 0, TimeSpan.Zero, null);
        for (var step = 1; step <= settings.Steps; step++)
        {
            await Task.Delay(settings.StepTime, cancellationToken);
            var now = Stopwatch.GetTimestamp();
            var previewDue = lastPreview is not { } last || Stopwatch.GetElapsedTime(last, now) >= notifier.MinPreviewInterval;
            if (previewDue) lastPreview = now;
            var elapsed = Stopwatch.GetElapsedTime(started, now);
            Publish(claim, step, elapsed / step * (settings.Steps - step), previewDue ? EncodedPreview.FromJpeg(PreviewJpeg.Value) : null);
        }
        await running.CancelAsync();
        await heartbeat;

        if (await CompleteAsync(claim.JobId, cancellationToken))
        {
            log.Completed(claim.JobId);
            notifier.Publish(new JobUpdate(claim.JobId, claim.UserId, JobStatus.Succeeded, ImageIds: []));
        }
        else
        {
            log.LeaseLost();
        }
    }

    private async Task RenewWhileRunningAsync(Guid jobId, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(settings.RenewInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                if (await claims.RenewAsync(jobId, id, cancellationToken)) continue;
                log.LeaseLost();
                return;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The job ended; so does its heartbeat.
        }
    }

    /// <summary>Marks the job done only if this worker still holds it, as a finishing worker must (one UPDATE, as the executor's).</summary>
    private async Task<bool> CompleteAsync(Guid jobId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var finishedAt = DateTime.UtcNow;
        return await db.Jobs.Where(j => j.Id == jobId && j.WorkerId == id && j.Status == JobStatus.Running)
            .ExecuteUpdateAsync(s => s
                .SetProperty(j => j.Status, JobStatus.Succeeded)
                .SetProperty(j => j.FinishedAt, finishedAt)
                .SetProperty(j => j.LeaseExpiresAt, (DateTime?)null), cancellationToken) == 1;
    }

    private void Publish(JobClaim claim, int step, TimeSpan eta, EncodedPreview? preview) =>
        notifier.Publish(new JobUpdate(claim.JobId, claim.UserId, JobStatus.Running,
            Progress: new JobProgress(1, 1, step, settings.Steps, eta, preview)));
}
