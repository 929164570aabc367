namespace SdWeb.ModelFiles;

/// <summary>
/// One download's state as the Models page shows it. Written by the download's background task, read by any page:
/// each value is a single field, so a reader sees a moment's state without locking.
/// </summary>
public sealed class ModelDownload(ModelDownloadRequest request, string title, string target, TimeProvider time)
{
    private readonly object _rateLock = new();
    private long _bytesAtStart;
    private DateTimeOffset _startedAt = time.GetUtcNow();

    public Guid Id { get; } = Guid.NewGuid();
    public ModelDownloadRequest Request { get; } = request;

    /// <summary>The repository id or the file name.</summary>
    public string Title { get; } = title;

    /// <summary>Where the model goes: the file or the repository's folder.</summary>
    public string Target { get; } = target;

    public DownloadState State { get; private set; } = DownloadState.Running;
    public string? CurrentFile { get; private set; }
    public long BytesDone { get; private set; }
    public long? BytesTotal { get; private set; }
    public string? Error { get; private set; }

    /// <summary>Average rate since the download (or its resumption) started; 0 until bytes arrive.</summary>
    public double BytesPerSecond
    {
        get
        {
            lock (_rateLock)
            {
                var seconds = (time.GetUtcNow() - _startedAt).TotalSeconds;
                return seconds > 0 ? Math.Max(0, BytesDone - _bytesAtStart) / seconds : 0;
            }
        }
    }

    /// <summary>Time left at the current rate; null while the total or the rate is unknown.</summary>
    public TimeSpan? Eta => BytesTotal is { } total && BytesPerSecond > 0 && State == DownloadState.Running
        ? TimeSpan.FromSeconds((total - BytesDone) / BytesPerSecond) : null;

    public bool IsActive => State is DownloadState.Running or DownloadState.Verifying;

    internal CancellationTokenSource Cancellation { get; private set; } = new();

    /// <summary>The bytes already on disk when a (resumed) transfer starts: they do not count towards the rate.</summary>
    internal void Began(long bytesOnDisk, long? total, string? file = null)
    {
        lock (_rateLock)
        {
            (_bytesAtStart, _startedAt) = (bytesOnDisk, time.GetUtcNow());
            (BytesDone, BytesTotal, CurrentFile) = (bytesOnDisk, total, file ?? CurrentFile);
        }
    }

    internal void Progressed(long bytesDone) => BytesDone = bytesDone;

    internal void Verifying() => State = DownloadState.Verifying;

    internal void Completed() => State = DownloadState.Completed;

    internal void Failed(string error) => (State, Error) = (DownloadState.Failed, error);

    internal void Cancelled() => State = DownloadState.Cancelled;

    /// <summary>Back to running, for Resume; a fresh token since the old one may be cancelled.</summary>
    internal void Restarted()
    {
        Cancellation.Dispose();
        Cancellation = new CancellationTokenSource();
        (State, Error) = (DownloadState.Running, null);
    }
}
