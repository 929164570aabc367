namespace SdWeb.Generation;

/// <summary>
/// Keeps a claimed job's lease from another thread while the engine runs it: renews it every third of the lease, and
/// every <see cref="CheckInterval"/> reads the job's row, so a cancel made on any node, or the loss of the lease (this
/// worker was cut off long enough for another to take the job over), stops the run at its next step. Asked again at
/// every check, because the engine registers the job's cancellation only as it starts. A database that does not answer
/// is tried again; the lease runs out on its own if it stays away.
/// </summary>
public sealed class LeaseHeartbeat : IAsyncDisposable
{
    public static readonly TimeSpan CheckInterval = TimeSpan.FromMilliseconds(500);

    private readonly CancellationTokenSource _stop = new();
    private readonly Task _beating;

    public LeaseHeartbeat(Guid jobId, string workerId, JobClaims claims, JobCancellations cancellations, ClaimSettings settings, ILogger logger)
    {
        _beating = Task.Run(() => BeatAsync(jobId, workerId, claims, cancellations, settings, logger, _stop.Token));
    }

    private static async Task BeatAsync(
        Guid jobId, string workerId, JobClaims claims, JobCancellations cancellations, ClaimSettings settings, ILogger logger, CancellationToken stop)
    {
        var renewEvery = settings.Lease / 3;
        var renewedAt = DateTime.UtcNow; // the claim itself started the lease
        var failing = false;
        var lostReported = false;
        using var timer = new PeriodicTimer(CheckInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                try
                {
                    var state = LeaseState.Held;
                    if (DateTime.UtcNow - renewedAt >= renewEvery)
                    {
                        if (await claims.RenewAsync(jobId, workerId, stop)) renewedAt = DateTime.UtcNow;
                        else state = LeaseState.Lost;
                    }
                    if (state == LeaseState.Held) state = await claims.CheckAsync(jobId, workerId, stop);
                    if (state == LeaseState.Lost && !lostReported)
                    {
                        logger.LogWarning("Job {JobId}: this worker lost its lease; stopping without recording it", jobId);
                        lostReported = true;
                    }
                    if (state != LeaseState.Held) cancellations.Cancel(jobId);
                    failing = false;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    if (!failing) logger.LogWarning(e, "Job {JobId}: the lease could not be renewed; trying again", jobId);
                    failing = true;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // the run ended
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _beating;
        _stop.Dispose();
    }
}
