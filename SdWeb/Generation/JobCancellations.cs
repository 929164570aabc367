namespace SdWeb.Generation;

/// <summary>The cancellation source of the job the worker is running, so a request can stop it mid-step.</summary>
public sealed class JobCancellations
{
    private readonly Lock _lock = new();
    private readonly Dictionary<Guid, CancellationTokenSource> _running = [];

    /// <summary>Registers a job about to start; its token also fires when the app stops.</summary>
    public CancellationTokenSource Register(Guid jobId, CancellationToken stopping)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        lock (_lock) _running[jobId] = source;
        return source;
    }

    public void Unregister(Guid jobId)
    {
        lock (_lock) _running.Remove(jobId);
    }

    /// <summary>Asks a running job to stop; false when it is not running.</summary>
    public bool Cancel(Guid jobId)
    {
        CancellationTokenSource? source;
        lock (_lock) _running.TryGetValue(jobId, out source);
        if (source is null) return false;
        try
        {
            source.Cancel();
            return true;
        }
        catch (ObjectDisposedException)
        {
            return false; // the job finished between the lookup and the cancel
        }
    }
}
