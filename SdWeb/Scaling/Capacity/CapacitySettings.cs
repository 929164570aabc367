using SdWeb.Generation;
using SdWeb.Options;

namespace SdWeb.Scaling.Capacity;

/// <summary>What a capacity simulation submits and how its fake engines behave.</summary>
public sealed record CapacitySettings
{
    /// <summary>The one model every job asks for and every fake worker has.</summary>
    public const string Model = "simulated-model";

    public int Jobs { get; init; } = 1000;
    public int Users { get; init; } = 20;

    /// <summary>Sampling steps per job; each publishes a progress update, as the engine does.</summary>
    public int Steps { get; init; } = 20;

    /// <summary>The fake engine's time per step (a GPU's is ~100–200 ms for SD 1.5 at 512²).</summary>
    public TimeSpan StepTime { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>The leases the fake workers hold and renew, as real workers do.</summary>
    public ClaimSettings Claims { get; init; } = ClaimSettings.Default;

    /// <summary>The notifier's preview rate limit (SdWeb:PreviewsPerSecond), which also paces the engine's previews.</summary>
    public double PreviewsPerSecond { get; init; } = new SdWebOptions().PreviewsPerSecond;

    /// <summary>Orders the submissions (users submit interleaved, the same way each run).</summary>
    public int Seed { get; init; } = 14;

    /// <summary>A worker renews its lease at a third of it, so one missed heartbeat does not lose the job.</summary>
    public TimeSpan RenewInterval => Claims.Lease / 3;
}
