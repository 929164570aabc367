namespace SdWeb.Generation;

/// <summary>
/// Where an accepted job waits and how a cancel reaches it: the in-process queue of the single box
/// (<see cref="LocalJobDispatch"/>), or the jobs table shared by workers in other processes (<see cref="SharedJobDispatch"/>).
/// The job is already stored when either is told.
/// </summary>
public interface IJobDispatch
{
    /// <summary>A job was accepted and stored as waiting.</summary>
    void Accepted(QueuedJob job);

    /// <summary>A waiting job was cancelled (its row already says so).</summary>
    void Withdrawn(Guid jobId);

    /// <summary>Asks the worker running the job to stop it; false when it is not running.</summary>
    Task<bool> StopAsync(Guid jobId, CancellationToken cancellationToken);
}
