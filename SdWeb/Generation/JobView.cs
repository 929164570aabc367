using SdWeb.Data;

namespace SdWeb.Generation;

/// <summary>A job's state as the API and the SignalR hub send it (JSON).</summary>
public sealed record JobView(
    Guid Id,
    string Status,
    int? QueuePosition,
    int? Image,
    int? ImageCount,
    int? Step,
    int? TotalSteps,
    double? Fraction,
    double? EtaSeconds,
    string? Preview,
    string? Error,
    IReadOnlyList<Guid> ImageIds)
{
    public static JobView From(JobUpdate update)
    {
        var p = update.Progress;
        return new JobView(update.JobId, update.Status.ToString(), update.QueuePosition, p?.Image, p?.ImageCount, p?.Step,
            p?.TotalSteps, p?.Fraction, p?.Eta.TotalSeconds, p?.Preview?.DataUrl, update.Error, update.ImageIds ?? []);
    }

    /// <summary>A stored job; the live update, when there is one, adds position and progress.</summary>
    public static JobView From(GenerationJob job, IReadOnlyList<Guid> imageIds, JobUpdate? live) =>
        live is not null && live.Status == job.Status
            ? From(live) with { ImageIds = imageIds }
            : new JobView(job.Id, job.Status.ToString(), null, null, job.ImageCount, null, job.Steps, null, null, null, job.Error, imageIds);
}
