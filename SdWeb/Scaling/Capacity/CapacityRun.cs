namespace SdWeb.Scaling.Capacity;

/// <summary>What one simulation run measured, and the invariants it can check from its own records.</summary>
internal sealed record CapacityRun
{
    public required int Workers { get; init; }
    public required IReadOnlyDictionary<string, int> JobsPerUser { get; init; }

    /// <summary>From the workers' start to the last job marked done.</summary>
    public required TimeSpan Duration { get; init; }

    public required IReadOnlyList<ClaimRecord> Claims { get; init; }
    public required IReadOnlyDictionary<Guid, int> Completions { get; init; }
    public required int LeasesLost { get; init; }

    /// <summary>Each job's time from the workers' start (every job was queued by then) to its claim.</summary>
    public required IReadOnlyList<TimeSpan> QueueWaits { get; init; }

    public required long RedisMessages { get; init; }
    public required long RedisBytes { get; init; }

    /// <summary>Jobs whose success a web node listening on Redis received.</summary>
    public required int SucceededThroughRedis { get; init; }

    /// <summary>CPU time of the PostgreSQL server during the run; null when it runs on another machine.</summary>
    public required TimeSpan? PostgresCpu { get; init; }

    /// <summary>CPU time of the Redis server during the run (its INFO); null when it would not say.</summary>
    public required TimeSpan? RedisCpu { get; init; }

    /// <summary>CPU time of this process (the fake workers, their relays and the listener) during the run.</summary>
    public required TimeSpan SimulatorCpu { get; init; }

    public int Jobs => JobsPerUser.Values.Sum();

    public double JobsPerMinute => Completions.Count / Duration.TotalMinutes;

    public double RedisMessagesPerSecond => RedisMessages / Duration.TotalSeconds;

    public double FairnessDeviation => Fairness.MaxDeviation(Claims.Select(c => c.UserId), JobsPerUser);

    public TimeSpan ClaimLatency(double percentile) => Percentile(Claims.Select(c => c.Latency), percentile);

    public TimeSpan QueueWait(double percentile) => Percentile(QueueWaits, percentile);

    /// <summary>Broken promises: a job claimed or completed other than exactly once, a success that never reached Redis.</summary>
    public IReadOnlyList<string> Violations()
    {
        var problems = new List<string>();
        var claimedTwice = Claims.GroupBy(c => c.JobId).Count(g => g.Count() > 1);
        if (claimedTwice > 0) problems.Add($"{claimedTwice} jobs claimed more than once");
        var claimed = Claims.Select(c => c.JobId).Distinct().Count();
        if (claimed != Jobs) problems.Add($"{claimed} of {Jobs} jobs claimed");
        var completedOnce = Completions.Count(c => c.Value == 1);
        if (completedOnce != Jobs || Completions.Count != Jobs) problems.Add($"{completedOnce} of {Jobs} jobs completed exactly once");
        if (LeasesLost > 0) problems.Add($"{LeasesLost} leases lost");
        if (SucceededThroughRedis != Jobs) problems.Add($"{SucceededThroughRedis} of {Jobs} successes reached Redis");
        return problems;
    }

    /// <summary>Nearest rank: the smallest value at least <paramref name="percentile"/>% of the values are not above.</summary>
    private static TimeSpan Percentile(IEnumerable<TimeSpan> values, double percentile)
    {
        var sorted = values.Order().ToList();
        if (sorted.Count == 0) return TimeSpan.Zero;
        var rank = (int)Math.Ceiling(percentile / 100 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }
}
