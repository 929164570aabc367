namespace SdWeb.Generation;

/// <summary>
/// The cancellation sources of the job the worker is running, so a request can stop it mid-step: the whole job
/// (cancel, interrupt) or only the image being made (AUTOMATIC1111's skip).
/// </summary>
public sealed class JobCancellations
{
    private readonly Lock _lock = new();
    private readonly Dictionary<Guid, CancellationTokenSource> _running = [];
    private readonly Dictionary<Guid, CancellationTokenSource> _images = [];

    /// <summary>Registers a job about to start; its token also fires when the app stops.</summary>
    public CancellationTokenSource Register(Guid jobId, CancellationToken stopping)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        lock (_lock) _running[jobId] = source;
        return source;
    }

    /// <summary>Registers the image a running job starts; its token fires when the job stops or the image is skipped.</summary>
    public CancellationTokenSource RegisterImage(Guid jobId, CancellationToken job)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(job);
        lock (_lock) _images[jobId] = source;
        return source;
    }

    public void Unregister(Guid jobId)
    {
        lock (_lock)
        {
            _running.Remove(jobId);
            _images.Remove(jobId);
        }
    }

    /// <summary>Asks a running job to stop; false when it is not running.</summary>
    public bool Cancel(Guid jobId) => Fire(_running, jobId);

    /// <summary>Asks a running job to drop the image it is making and go on with the next; false when it is not making one.</summary>
    public bool SkipImage(Guid jobId) => Fire(_images, jobId);

    private bool Fire(Dictionary<Guid, CancellationTokenSource> sources, Guid jobId)
    {
        CancellationTokenSource? source;
        lock (_lock) sources.TryGetValue(jobId, out source);
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
