using SdWeb.Data;

namespace SdWeb.Generation;

/// <summary>
/// Scaled out, every process sweeps (any may; each job changes once): every third of a lease, the jobs of workers that
/// stopped renewing their leases (killed, cut off) wait again with their saved images, or fail after
/// <see cref="ClaimSettings.MaxAttempts"/> starts; watchers hear about it.
/// </summary>
public sealed class LeaseSweeper(JobClaims claims, JobNotifier notifier, ClaimSettings settings, ILogger<LeaseSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(settings.Lease / 3);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) await SweepAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }

    private async Task SweepAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<ExpiredLease> expired;
        try
        {
            expired = await claims.RequeueExpiredAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Could not sweep expired leases; trying again at the next tick");
            return;
        }
        foreach (var job in expired)
        {
            logger.LogWarning("Job {JobId}: its worker stopped renewing the lease; the job is now {Status}", job.JobId, job.Status);
            notifier.Publish(new JobUpdate(job.JobId, job.UserId, job.Status, Error: job.Error));
        }
    }
}
