using System.Globalization;
using Npgsql;
using SdWeb.Generation;
using SdWeb.Scaling.Capacity;
using StackExchange.Redis;

namespace SdWeb.Cli;

/// <summary>
/// `simulate-capacity`: how many jobs a shared PostgreSQL + Redis serve as workers are added. For each worker count it
/// makes a fresh database, submits the jobs, runs that many fake workers (fixed step time, real claims, leases and
/// progress through Redis) until the queue is empty, drops the database, and prints a markdown table (docs/scaling.md).
/// </summary>
public sealed class SimulateCapacityCommand(TextWriter output, TextWriter error) : ICliCommand
{
    private const string DefaultWorkers = "1,2,5,10,20,50";
    private static readonly CapacitySettings Defaults = new();

    public CliSyntax Syntax { get; } = new("simulate-capacity", "Measure the shared queue and progress relay with fake workers and print a table.")
    {
        Options =
        [
            new("SdWeb:PostgresConnection", "TEXT", "a PostgreSQL server where the user may create databases (a scratch one per run)") { Required = true },
            new("SdWeb:Redis", "TEXT", "a Redis server (StackExchange.Redis connection string)") { Required = true },
            new("workers", "LIST", $"worker counts, one run each (default {DefaultWorkers})"),
            new("jobs", "N", $"jobs submitted before each run (default {Defaults.Jobs})"),
            new("users", "N", $"users submitting them, unequally (default {Defaults.Users})"),
            new("steps", "N", $"steps per job, one progress update each (default {Defaults.Steps})"),
            new("step-ms", "N", $"the fake engine's time per step (default {Defaults.StepTime.TotalMilliseconds:0})"),
            new("lease-s", "N", $"the claim lease, renewed at a third of it (default {Defaults.Claims.Lease.TotalSeconds:0})"),
        ],
    };

    public async Task<int> RunAsync(CliArgs args, CancellationToken cancellationToken)
    {
        var postgres = args.Require("SdWeb:PostgresConnection");
        var redis = args.Require("SdWeb:Redis");
        var workerCounts = WorkerCounts(args.Get("workers") ?? DefaultWorkers);
        var settings = new CapacitySettings
        {
            Jobs = AtLeast(args, "jobs", 1) ?? Defaults.Jobs,
            Users = AtLeast(args, "users", 1) ?? Defaults.Users,
            Steps = AtLeast(args, "steps", 1) ?? Defaults.Steps,
            StepTime = AtLeast(args, "step-ms", 0) is { } ms ? TimeSpan.FromMilliseconds(ms) : Defaults.StepTime,
            Claims = AtLeast(args, "lease-s", 3) is { } lease ? new ClaimSettings { Lease = TimeSpan.FromSeconds(lease) } : Defaults.Claims,
        };
        if (settings.Users > settings.Jobs) throw new CliUsageException($"--users ({settings.Users}) cannot exceed --jobs ({settings.Jobs}).");

        try
        {
            return await RunAllAsync(postgres, redis, workerCounts, settings, cancellationToken);
        }
        catch (Exception e) when (e is NpgsqlException or RedisException)
        {
            await error.WriteLineAsync($"error: {e.Message}");
            return CliApp.Failed;
        }
    }

    private async Task<int> RunAllAsync(string postgres, string redis, int[] workerCounts, CapacitySettings settings, CancellationToken cancellationToken)
    {
        var runs = new List<CapacityRun>();
        var failed = false;
        foreach (var workers in workerCounts)
        {
            await using var database = await ScratchDatabase.CreateAsync(postgres, cancellationToken);
            var bar = new SyncProgress<int>(done =>
                error.Write($"\r{ConsoleProgressBar.Bar(done, settings.Jobs)} {workers} workers: {done}/{settings.Jobs} jobs"));
            var run = await new CapacitySimulation(database.Factory, redis, settings).RunAsync(workers, bar, cancellationToken);
            await error.WriteLineAsync();
            foreach (var violation in run.Violations())
            {
                await error.WriteLineAsync($"error: {workers} workers: {violation}");
                failed = true;
            }
            runs.Add(run);
        }

        await output.WriteLineAsync(
            $"{settings.Jobs} jobs from {settings.Users} users, {settings.Steps} steps of {settings.StepTime.TotalMilliseconds:0} ms, " +
            $"lease {settings.Claims.Lease.TotalSeconds:0} s, {settings.PreviewsPerSecond:0.#} previews/s per worker\n");
        await output.WriteAsync(CapacityTable.Markdown(runs));
        return failed ? CliApp.Failed : CliApp.Ok;
    }

    private static int[] WorkerCounts(string list)
    {
        var counts = list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(w => int.TryParse(w, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 0).ToArray();
        if (counts.Length == 0 || counts.Contains(0))
            throw new CliUsageException($"--workers must list positive whole numbers separated by commas, not '{list}'.");
        return counts;
    }

    private static int? AtLeast(CliArgs args, string name, int minimum) => args.GetInt(name) switch
    {
        { } value when value < minimum => throw new CliUsageException($"--{name} must be at least {minimum}, not {value}."),
        var value => value,
    };
}
