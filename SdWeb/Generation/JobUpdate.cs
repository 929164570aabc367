using SdWeb.Data;

namespace SdWeb.Generation;

/// <summary>
/// Everything a watcher of a job needs to show it now. A full snapshot, so a newer update replaces an older one
/// that was not yet delivered without losing anything.
/// </summary>
public sealed record JobUpdate(
    Guid JobId,
    string UserId,
    JobStatus Status,
    int? QueuePosition = null,
    JobProgress? Progress = null,
    string? Error = null,
    IReadOnlyList<Guid>? ImageIds = null)
{
    public bool IsFinished => Status is JobStatus.Succeeded or JobStatus.Failed or JobStatus.Cancelled;

    /// <summary>Published by another node and relayed here through Redis, so it is not relayed back.</summary>
    public bool FromAnotherNode { get; init; }
}

/// <summary>Where a running job is: image <see cref="Image"/> of <see cref="ImageCount"/> (1-based), step of steps.</summary>
public sealed record JobProgress(int Image, int ImageCount, int Step, int TotalSteps, TimeSpan Eta, EncodedPreview? Preview)
{
    /// <summary>Fraction of the whole job done, 0…1.</summary>
    public double Fraction => TotalSteps == 0 || ImageCount == 0
        ? 0
        : ((Image - 1) * (double)TotalSteps + Step) / ((double)ImageCount * TotalSteps);
}
