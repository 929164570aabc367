namespace SdWeb.Generation;

/// <summary>How long a claim lasts without a heartbeat, and how many times a job may be started before an interruption fails it.</summary>
public sealed record ClaimSettings
{
    public static readonly ClaimSettings Default = new();

    /// <summary>A worker renews its lease well within this (a third of it); a dead worker's job waits this long to run again.</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>A job whose lease ran out this many times (its workers died) fails instead of running again.</summary>
    public int MaxAttempts { get; init; } = GenerationWorker.MaxAttempts;
}
