namespace SdWeb.Generation;

/// <summary>The single box: jobs wait in this process's <see cref="JobQueue"/> and run on its <see cref="GenerationWorker"/>.</summary>
public sealed class LocalJobDispatch(JobQueue queue, JobCancellations cancellations) : IJobDispatch
{
    public void Accepted(QueuedJob job) => queue.Enqueue(job);

    public void Withdrawn(Guid jobId) => queue.Remove(jobId);

    public Task<bool> StopAsync(Guid jobId, CancellationToken cancellationToken) => Task.FromResult(cancellations.Cancel(jobId));
}
