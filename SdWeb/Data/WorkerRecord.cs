namespace SdWeb.Data;

/// <summary>
/// A worker as it advertises itself: what it can run (its models), where (its device) and how much memory it has free.
/// Refreshed by its heartbeat, so a worker not seen for a while is gone.
/// </summary>
public sealed class WorkerRecord
{
    /// <summary>Chosen by the worker when it starts (host, process and a random part), unique across machines.</summary>
    public required string Id { get; set; }

    public required string Host { get; set; }

    /// <summary>As the engine names it: cpu, cuda:0, …</summary>
    public required string Device { get; set; }

    /// <summary>The models in its models folder, as the catalog names them; it claims only jobs for these.</summary>
    public List<string> Models { get; set; } = [];

    /// <summary>Free memory on its device, in bytes, when it last looked (null when the device cannot say).</summary>
    public long? FreeMemoryBytes { get; set; }

    public DateTime StartedAt { get; set; }
    public DateTime LastSeenAt { get; set; }
}
