using System.Collections.Concurrent;
using SdWeb.Generation;

namespace SdWeb.Scaling.Capacity;

/// <summary>What the fake workers did, recorded as they do it (they run concurrently).</summary>
internal sealed class CapacityLog
{
    private readonly ConcurrentQueue<ClaimRecord> _claims = new();
    private readonly ConcurrentDictionary<Guid, int> _completions = new();
    private long _order;
    private int _completed;
    private int _leasesLost;

    public void Claimed(string worker, JobClaim claim, TimeSpan latency) =>
        _claims.Enqueue(new ClaimRecord(Interlocked.Increment(ref _order), worker, claim.JobId, claim.UserId, latency));

    /// <summary>A worker marked a job it held as done.</summary>
    public void Completed(Guid jobId)
    {
        _completions.AddOrUpdate(jobId, 1, (_, n) => n + 1);
        Interlocked.Increment(ref _completed);
    }

    /// <summary>A renewal or the completion found the lease gone: the job was no longer this worker's.</summary>
    public void LeaseLost() => Interlocked.Increment(ref _leasesLost);

    public int CompletedCount => Volatile.Read(ref _completed);

    public int LeasesLost => Volatile.Read(ref _leasesLost);

    /// <summary>The claims in the order they returned.</summary>
    public IReadOnlyList<ClaimRecord> Claims => [.. _claims.OrderBy(c => c.Order)];

    public IReadOnlyDictionary<Guid, int> Completions => _completions;
}
