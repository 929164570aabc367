using Microsoft.EntityFrameworkCore;
using Npgsql;
using SdWeb.Cli;
using SdWeb.Data;
using SdWeb.Options;
using SdWeb.Scaling.Capacity;
using SdWeb.Tests.Web.Support;

namespace SdWeb.Tests.Web.Scaling;

/// <summary>
/// The capacity simulation, small, on real PostgreSQL and Redis: every job claimed and completed exactly once, fair within
/// one turn (no claim two turns ahead of a later one; never a whole turn beyond the ideal share), a table row per run.
/// </summary>
[Layer(Layer.Hardening)]
public sealed class CapacitySimulationTests : IDisposable
{
    // Steps long enough that a thread delayed on a busy machine does not let the other workers run whole turns past it.
    private static readonly CapacitySettings Small = new() { Jobs = 60, Users = 4, Steps = 4, StepTime = TimeSpan.FromMilliseconds(50) };
    private readonly TestRedisServer _redis = new();

    [Fact]
    public async Task EveryJobIsClaimedOnceAndCompletedOnceInRoundRobinTurns()
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);

        var run = await new CapacitySimulation(database, _redis.Connection, Small).RunAsync(3, null, CancellationToken.None);

        await using var db = database.CreateDbContext();
        var jobs = await db.Jobs.AsNoTracking().ToListAsync();
        Assert.Equal(60, jobs.Count);
        Assert.All(jobs, j => Assert.Equal((JobStatus.Succeeded, 1), (j.Status, j.Attempts)));
        Assert.All(jobs, j => Assert.Contains(j.WorkerId, new[] { "sim-worker-01", "sim-worker-02", "sim-worker-03" }));
        Assert.Equal(jobs.Select(j => j.Id).Order(), run.Claims.Select(c => c.JobId).Order());
        Assert.Equal(jobs.Select(j => j.Id).Order(), run.Completions.Where(c => c.Value == 1).Select(c => c.Key).Order());
        Assert.Equal(60, run.SucceededThroughRedis);
        Assert.Empty(run.Violations());

        // A user's k-th claim is their k-th turn; no claim may come two turns ahead of a claim made after it. The order is
        // the database's (StartedAt is its clock as the claim takes the row), not the order the workers' threads got
        // their answers back: on a busy machine a thread can wait there while the others claim whole turns.
        var claims = jobs.OrderBy(j => j.StartedAt).ToList();
        var turns = claims.Select((c, i) => claims.Take(i + 1).Count(earlier => earlier.UserId == c.UserId)).ToList();
        for (var i = 0; i < turns.Count; i++) Assert.True(turns[i] <= turns[i..].Min() + 1, $"claim {i + 1} is turn {turns[i]}: {string.Join(",", turns)}");
        Assert.InRange(run.FairnessDeviation, 0, 1.999);
        Assert.NotNull(run.PostgresCpu);
    }

    [Fact]
    public async Task TheCommandPrintsOneRowPerWorkerCountAndDropsItsDatabases()
    {
        var output = new StringWriter();
        var error = new StringWriter();

        var code = await CliApp.RunAsync(
            ["simulate-capacity", "--workers", "1,3", "--jobs", "24", "--users", "3", "--steps", "2", "--step-ms", "5",
             $"--SdWeb:PostgresConnection={TestPostgres.AdminConnection}", $"--SdWeb:Redis={_redis.Connection}"],
            output, error, CancellationToken.None);

        Assert.True(code == CliApp.Ok, error.ToString());
        var table = output.ToString().ReplaceLineEndings("\n").Split('\n').Where(l => l.StartsWith('|')).ToList();
        Assert.Equal(4, table.Count);
        Assert.Contains("| Workers | Jobs/min |", table[0]);
        foreach (var column in new[] { "Claim p95 ms", "Queue wait p50 s", "Redis msg/s", "PostgreSQL CPU %", "Fairness (jobs off ideal)" })
            Assert.Contains(column, table[0]);
        Assert.Matches(@"^\|(---:\|){13}$", table[1]);
        Assert.Equal(["1", "3"], table.Skip(2).Select(row => row.Split('|', StringSplitOptions.TrimEntries)[1]));
        Assert.All(table.Skip(2), row => Assert.Equal(15, row.Split('|').Length));
        Assert.Equal(0, await ScratchDatabasesLeftAsync());
    }

    public void Dispose() => _redis.Dispose();

    private static async Task<long> ScratchDatabasesLeftAsync()
    {
        await using var connection = new NpgsqlConnection(TestPostgres.AdminConnection);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_database WHERE datname LIKE 'sdweb_capacity_%'", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
