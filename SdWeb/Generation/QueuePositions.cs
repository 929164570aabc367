using SdWeb.Data;

namespace SdWeb.Generation;

/// <summary>Publishes every waiting job's place in line whenever the queue's order changes.</summary>
public sealed class QueuePositions : IDisposable
{
    private readonly JobQueue _queue;
    private readonly JobNotifier _notifier;

    public QueuePositions(JobQueue queue, JobNotifier notifier)
    {
        _queue = queue;
        _notifier = notifier;
        _queue.Changed += Publish;
    }

    public void Publish()
    {
        var waiting = _queue.Snapshot();
        for (var i = 0; i < waiting.Count; i++)
            _notifier.Publish(new JobUpdate(waiting[i].JobId, waiting[i].UserId, JobStatus.Queued, QueuePosition: i + 1));
    }

    public void Dispose() => _queue.Changed -= Publish;
}
