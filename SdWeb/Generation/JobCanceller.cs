using Microsoft.EntityFrameworkCore;
using SdWeb.Data;

namespace SdWeb.Generation;

/// <summary>Cancels a job for its owner or an admin: a waiting one leaves the queue, a running one stops at its next step.</summary>
public sealed class JobCanceller(
    IDbContextFactory<AppDbContext> dbFactory, IJobDispatch dispatch, JobNotifier notifier, TimeProvider time)
{
    public async Task<CancelOutcome> CancelAsync(Guid jobId, string userId, bool isAdmin, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var owner = await db.Jobs.Where(j => j.Id == jobId).Select(j => j.UserId).FirstOrDefaultAsync(cancellationToken);
        if (owner is null) return CancelOutcome.NotFound;
        if (owner != userId && !isAdmin) return CancelOutcome.Forbidden;

        var now = time.GetUtcNow().UtcDateTime;
        var cancelledWhileWaiting = await db.Jobs.Where(j => j.Id == jobId && j.Status == JobStatus.Queued)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.Status, JobStatus.Cancelled).SetProperty(j => j.FinishedAt, now),
                cancellationToken);
        if (cancelledWhileWaiting == 1)
        {
            dispatch.Withdrawn(jobId);
            notifier.Publish(new JobUpdate(jobId, owner, JobStatus.Cancelled));
            return CancelOutcome.Cancelled;
        }
        // Not waiting any more: running (here or in another process) or finished.
        return await dispatch.StopAsync(jobId, cancellationToken) ? CancelOutcome.Stopping : CancelOutcome.AlreadyFinished;
    }
}
