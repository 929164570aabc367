using System.Threading.Channels;

namespace SdWeb.Generation;

/// <summary>
/// Carries job updates from the worker to whoever watches (Blazor circuits, the SignalR hub), after eShop's
/// OrderStatusNotificationService: subscribers register a callback per job, per user or for all jobs.
/// <see cref="Publish"/> never waits for a subscriber: each subscription has its own mailbox holding the newest
/// undelivered update per job (older ones are dropped) and its own pump, so a slow browser only ever sees fewer updates.
/// Previews are sent to one subscriber at most <c>previewsPerSecond</c> times a second; updates in between go without.
/// </summary>
public sealed class JobNotifier
{
    private readonly Lock _lock = new();
    private readonly Dictionary<Guid, JobUpdate> _latest = [];
    /// <summary>Shortest time between two previews a subscriber gets; the engine need not make them more often.</summary>
    public TimeSpan MinPreviewInterval { get; }

    private readonly TimeProvider _time;
    private readonly ILogger<JobNotifier> _logger;
    private Subscription[] _subscriptions = [];

    /// <param name="previewsPerSecond">Greater than 0 (SdWeb:PreviewsPerSecond, checked at start by <see cref="Options.SdWebOptionsValidator"/>).</param>
    public JobNotifier(double previewsPerSecond, TimeProvider time, ILogger<JobNotifier> logger)
    {
        MinPreviewInterval = TimeSpan.FromSeconds(1 / previewsPerSecond);
        _time = time;
        _logger = logger;
    }

    /// <summary>The last update published for a job still queued or running; null once it has finished.</summary>
    public JobUpdate? Latest(Guid jobId)
    {
        lock (_lock) return _latest.GetValueOrDefault(jobId);
    }

    /// <summary>Updates of one job; the current state, if the job is in progress, is delivered at once.</summary>
    public IDisposable SubscribeToJob(Guid jobId, Func<JobUpdate, Task> callback) =>
        Subscribe(u => u.JobId == jobId, callback, replay: jobId);

    /// <summary>Updates of every job of one user.</summary>
    public IDisposable SubscribeToUser(string userId, Func<JobUpdate, Task> callback) =>
        Subscribe(u => u.UserId == userId, callback);

    /// <summary>Updates of every job (the SignalR bridge).</summary>
    public IDisposable SubscribeToAll(Func<JobUpdate, Task> callback) => Subscribe(_ => true, callback);

    public void Publish(JobUpdate update)
    {
        Subscription[] subscriptions;
        lock (_lock)
        {
            if (update.IsFinished) _latest.Remove(update.JobId);
            else _latest[update.JobId] = update;
            subscriptions = _subscriptions;
        }
        foreach (var subscription in subscriptions)
            if (subscription.Matches(update)) subscription.Post(update);
    }

    private Subscription Subscribe(Func<JobUpdate, bool> matches, Func<JobUpdate, Task> callback, Guid? replay = null)
    {
        var subscription = new Subscription(this, matches, callback);
        lock (_lock)
        {
            _subscriptions = [.. _subscriptions, subscription];
            // Under the lock, so a concurrent Publish cannot slip a newer update in before this older one.
            if (replay is { } jobId && _latest.TryGetValue(jobId, out var current)) subscription.Post(current);
        }
        return subscription;
    }

    private void Unsubscribe(Subscription subscription)
    {
        lock (_lock) _subscriptions = _subscriptions.Where(s => s != subscription).ToArray();
    }

    private sealed class Subscription : IDisposable
    {
        private readonly JobNotifier _notifier;
        private readonly Func<JobUpdate, bool> _matches;
        private readonly Func<JobUpdate, Task> _callback;
        private readonly Lock _lock = new();
        private readonly Dictionary<Guid, JobUpdate> _mailbox = [];
        private readonly Channel<bool> _doorbell =
            Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        private long? _lastPreviewAt;
        private volatile bool _disposed;

        public Subscription(JobNotifier notifier, Func<JobUpdate, bool> matches, Func<JobUpdate, Task> callback)
        {
            _notifier = notifier;
            _matches = matches;
            _callback = callback;
            _ = Task.Run(PumpAsync);
        }

        public bool Matches(JobUpdate update) => _matches(update);

        public void Post(JobUpdate update)
        {
            lock (_lock) _mailbox[update.JobId] = update;
            _doorbell.Writer.TryWrite(true);
        }

        public void Dispose()
        {
            _disposed = true;
            _notifier.Unsubscribe(this);
            _doorbell.Writer.TryComplete();
        }

        private async Task PumpAsync()
        {
            await foreach (var _ in _doorbell.Reader.ReadAllAsync())
            {
                JobUpdate[] batch;
                lock (_lock)
                {
                    batch = [.. _mailbox.Values];
                    _mailbox.Clear();
                }
                foreach (var update in batch)
                {
                    if (_disposed) return;
                    try
                    {
                        await _callback(Throttle(update));
                    }
                    catch (Exception e)
                    {
                        _notifier._logger.LogWarning(e, "A subscriber failed to take the update of job {JobId}", update.JobId);
                    }
                }
            }
        }

        private JobUpdate Throttle(JobUpdate update)
        {
            if (update.Progress?.Preview is null) return update;
            var now = _notifier._time.GetTimestamp();
            if (_lastPreviewAt is { } last && _notifier._time.GetElapsedTime(last, now) < _notifier.MinPreviewInterval)
                return update with { Progress = update.Progress with { Preview = null } };
            _lastPreviewAt = now;
            return update;
        }
    }
}
