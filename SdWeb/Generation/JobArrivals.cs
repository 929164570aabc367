namespace SdWeb.Generation;

/// <summary>
/// Rung when this process accepts a job, so its own idle <see cref="ClaimingWorker"/> claims at once; workers in other
/// processes find the job at their next poll (<see cref="ClaimingWorker.IdlePoll"/>).
/// </summary>
public sealed class JobArrivals : Doorbell;
