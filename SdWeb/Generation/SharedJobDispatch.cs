namespace SdWeb.Generation;

/// <summary>
/// Scaled out: the jobs table is the queue (<see cref="JobClaims"/>). An accepted job wakes this process's worker, if it
/// has one, and its positions; a cancel of a running job is a flag on its row that the running worker's
/// <see cref="LeaseHeartbeat"/> reads, in whatever process it is (and a job running here stops at once).
/// </summary>
public sealed class SharedJobDispatch(JobClaims claims, JobCancellations cancellations, JobArrivals arrivals, SharedQueuePositions positions)
    : IJobDispatch
{
    public void Accepted(QueuedJob job)
    {
        arrivals.Ring();
        positions.Refresh();
    }

    public void Withdrawn(Guid jobId) => positions.Refresh();

    public async Task<bool> StopAsync(Guid jobId, CancellationToken cancellationToken)
    {
        var running = await claims.RequestCancelAsync(jobId, cancellationToken);
        cancellations.Cancel(jobId);
        return running;
    }
}
