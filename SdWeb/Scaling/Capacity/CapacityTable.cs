using System.Globalization;
using System.Text;

namespace SdWeb.Scaling.Capacity;

/// <summary>Simulation runs as a markdown table, one row per worker count, in the order the columns of docs/scaling.md explain.</summary>
internal static class CapacityTable
{
    public const string Header =
        "| Workers | Jobs/min | Claim p50 ms | Claim p95 ms | Claim p99 ms | Queue wait p50 s | Queue wait p95 s | Redis msg/s " +
        "| PostgreSQL CPU % | PostgreSQL CPU ms/job | Redis CPU % | Simulator CPU % | Fairness (jobs off ideal) |";

    public static string Markdown(IEnumerable<CapacityRun> runs)
    {
        var table = new StringBuilder(Header).Append('\n');
        table.Append('|').Append(string.Concat(Enumerable.Repeat("---:|", Header.Count(c => c == '|') - 1))).Append('\n');
        foreach (var run in runs) table.Append(Row(run)).Append('\n');
        return table.ToString();
    }

    public static string Row(CapacityRun run)
    {
        var seconds = run.Duration.TotalSeconds;
        string[] cells =
        [
            run.Workers.ToString(CultureInfo.InvariantCulture),
            Number(run.JobsPerMinute, "0"),
            Number(run.ClaimLatency(50).TotalMilliseconds, "0.0"),
            Number(run.ClaimLatency(95).TotalMilliseconds, "0.0"),
            Number(run.ClaimLatency(99).TotalMilliseconds, "0.0"),
            Number(run.QueueWait(50).TotalSeconds, "0.0"),
            Number(run.QueueWait(95).TotalSeconds, "0.0"),
            Number(run.RedisMessagesPerSecond, "0"),
            run.PostgresCpu is { } pg ? Number(100 * pg.TotalSeconds / seconds, "0") : "n/a",
            run.PostgresCpu is { } perJob ? Number(perJob.TotalMilliseconds / run.Jobs, "0.0") : "n/a",
            run.RedisCpu is { } redis ? Number(100 * redis.TotalSeconds / seconds, "0") : "n/a",
            Number(100 * run.SimulatorCpu.TotalSeconds / seconds, "0"),
            Number(run.FairnessDeviation, "0.00"),
        ];
        return $"| {string.Join(" | ", cells)} |";
    }

    private static string Number(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
