using System.Diagnostics.CodeAnalysis;

namespace SdWeb.Generation;

/// <summary>
/// The in-memory order of waiting jobs, fair between users: each job gets a round (a user's n-th waiting job is in
/// their n-th round, never earlier than the round being served), and jobs run by round, then by submission order.
/// So one person's ten jobs do not block a colleague's one: it joins the current round and runs next.
/// The database stays the source of truth; <see cref="Restore"/> rebuilds this index from it at start.
/// </summary>
public sealed class JobQueue
{
    private readonly Lock _lock = new();
    private readonly SortedSet<Entry> _order = new(EntryOrder.Instance);
    private readonly Dictionary<Guid, Entry> _byId = [];
    private readonly Dictionary<string, long> _lastRoundByUser = [];
    private long _currentRound;
    private TaskCompletionSource? _waiter;

    /// <summary>Raised (outside the lock) whenever the order changes, so positions can be republished.</summary>
    public event Action? Changed;

    public int Count
    {
        get { lock (_lock) return _order.Count; }
    }

    /// <summary>Replaces the whole index with the given jobs, taken in submission order.</summary>
    public void Restore(IEnumerable<QueuedJob> jobs)
    {
        lock (_lock)
        {
            _order.Clear();
            _byId.Clear();
            _lastRoundByUser.Clear();
            _currentRound = 0;
            foreach (var job in jobs.OrderBy(j => j.Sequence)) Add(job);
            WakeWaiter();
        }
        Changed?.Invoke();
    }

    public void Enqueue(QueuedJob job)
    {
        lock (_lock)
        {
            if (_byId.ContainsKey(job.JobId))
                throw new InvalidOperationException($"Job {job.JobId} is already queued.");
            Add(job);
            WakeWaiter();
        }
        Changed?.Invoke();
    }

    /// <summary>Takes a waiting job out of the queue (it was cancelled); false when it is not waiting.</summary>
    public bool Remove(Guid jobId)
    {
        lock (_lock)
        {
            if (!_byId.Remove(jobId, out var entry)) return false;
            _order.Remove(entry);
            ForgetRound(entry);
        }
        Changed?.Invoke();
        return true;
    }

    /// <summary>Waits for the next job in fair order and takes it out of the queue.</summary>
    public async Task<QueuedJob> DequeueAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (TryDequeue(out var job, out var wait))
            {
                Changed?.Invoke();
                return job;
            }
            await wait.WaitAsync(cancellationToken);
        }
    }

    private bool TryDequeue([MaybeNullWhen(false)] out QueuedJob job, out Task wait)
    {
        lock (_lock)
        {
            if (_order.Min is { } next)
            {
                _order.Remove(next);
                _byId.Remove(next.Job.JobId);
                _currentRound = next.Round;
                job = next.Job;
                wait = Task.CompletedTask;
                return true;
            }
            _waiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            job = null;
            wait = _waiter.Task;
            return false;
        }
    }

    /// <summary>1 for the job that runs next, 2 for the one after, …; null when the job is not waiting.</summary>
    public int? PositionOf(Guid jobId)
    {
        lock (_lock)
        {
            if (!_byId.TryGetValue(jobId, out var entry)) return null;
            return _order.GetViewBetween(_order.Min!, entry).Count;
        }
    }

    /// <summary>The waiting jobs in the order they will run.</summary>
    public IReadOnlyList<QueuedJob> Snapshot()
    {
        lock (_lock) return _order.Select(e => e.Job).ToList();
    }

    private void Add(QueuedJob job)
    {
        var round = _lastRoundByUser.TryGetValue(job.UserId, out var last)
            ? Math.Max(_currentRound, last + 1)
            : _currentRound;
        _lastRoundByUser[job.UserId] = round;
        var entry = new Entry(job, round);
        _order.Add(entry);
        _byId.Add(job.JobId, entry);
    }

    /// <summary>A cancelled job gives its round back, so the user's next job is not pushed behind it.</summary>
    private void ForgetRound(Entry removed)
    {
        var user = removed.Job.UserId;
        if (_lastRoundByUser[user] != removed.Round) return;
        var remaining = _byId.Values.Where(e => e.Job.UserId == user).Select(e => e.Round).DefaultIfEmpty(removed.Round - 1);
        _lastRoundByUser[user] = remaining.Max();
    }

    private void WakeWaiter()
    {
        _waiter?.TrySetResult();
        _waiter = null;
    }

    private sealed record Entry(QueuedJob Job, long Round);

    private sealed class EntryOrder : IComparer<Entry>
    {
        public static readonly EntryOrder Instance = new();

        public int Compare(Entry? x, Entry? y)
        {
            if (ReferenceEquals(x, y)) return 0;
            if (x is null) return -1;
            if (y is null) return 1;
            var byRound = x.Round.CompareTo(y.Round);
            return byRound != 0 ? byRound : x.Job.Sequence.CompareTo(y.Job.Sequence);
        }
    }
}
