using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using SdWeb.Data;
using SdWeb.Generation;
using StackExchange.Redis;

namespace SdWeb.Scaling.Capacity;

/// <summary>
/// One capacity run on a database holding no jobs yet: submits every job, then starts the fake workers together and
/// measures until the queue is empty. Each worker is what a `SdWeb worker` process is to the shared servers: its own
/// Redis connection, notifier and <see cref="RedisProgressRelay"/> (which also receives every other node's progress),
/// and claims through <see cref="JobClaims"/> on the shared database. One node sweeps expired leases, as a web node would.
/// </summary>
internal sealed class CapacitySimulation(IDbContextFactory<AppDbContext> dbFactory, string redisConnection, CapacitySettings settings)
{
    /// <summary>How long the last successes may take to reach the listener after the last job is done.</summary>
    private static readonly TimeSpan DrainPatience = TimeSpan.FromSeconds(30);

    /// <param name="completed">Told the number of jobs done so far, a few times a second.</param>
    public async Task<CapacityRun> RunAsync(int workers, IProgress<int>? completed, CancellationToken cancellationToken)
    {
        var jobsPerUser = await SimulatedSubmissions.SubmitAsync(dbFactory, settings, cancellationToken);
        var postgres = await PostgresOfAsync(cancellationToken);
        // The listener's connection also asks the server for its CPU time (INFO), which StackExchange.Redis calls admin.
        await using var listenerRedis = await ConnectAsync(allowAdmin: true);
        await using var listener = await ProgressListener.StartAsync(listenerRedis, cancellationToken);
        var nodes = new List<(ConnectionMultiplexer Redis, RedisProgressRelay Relay)>();
        var claims = new JobClaims(dbFactory, settings.Claims, TimeProvider.System);
        var log = new CapacityLog();
        try
        {
            var fleet = new List<SimulatedWorker>();
            for (var n = 1; n <= workers; n++)
            {
                var redis = await ConnectAsync();
                var notifier = new JobNotifier(settings.PreviewsPerSecond, TimeProvider.System, NullLogger<JobNotifier>.Instance);
                var relay = new RedisProgressRelay(redis, notifier, NullLogger<RedisProgressRelay>.Instance);
                await relay.StartAsync(cancellationToken);
                nodes.Add((redis, relay));
                fleet.Add(new SimulatedWorker($"sim-worker-{n:00}", claims, dbFactory, notifier, settings, log));
            }

            var postgresBefore = postgres?.Sample();
            var redisBefore = await RedisCpuAsync(listenerRedis);
            var selfBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var startedAt = DateTime.UtcNow;
            var clock = Stopwatch.StartNew();
            using var stopSweeping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var sweeper = SweepAsync(claims, stopSweeping.Token);
            var running = Task.WhenAll(fleet.Select(w => Task.Run(() => w.RunAsync(cancellationToken), cancellationToken)));
            while (await Task.WhenAny(running, Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken)) != running)
            {
                cancellationToken.ThrowIfCancellationRequested();
                completed?.Report(log.CompletedCount);
            }
            await running;
            var duration = clock.Elapsed;
            var selfCpu = Process.GetCurrentProcess().TotalProcessorTime - selfBefore;
            var postgresCpu = postgres is null ? (TimeSpan?)null : PostgresCpu.Between(postgresBefore!, postgres.Sample());
            var redisCpu = await RedisCpuAsync(listenerRedis) - redisBefore;
            completed?.Report(log.CompletedCount);
            await stopSweeping.CancelAsync();
            await sweeper;

            await listener.WaitForSucceededAsync(log.Completions.Count, DrainPatience, cancellationToken);
            return new CapacityRun
            {
                Workers = workers,
                JobsPerUser = jobsPerUser,
                Duration = duration,
                Claims = log.Claims,
                Completions = log.Completions,
                LeasesLost = log.LeasesLost,
                QueueWaits = await QueueWaitsAsync(startedAt, cancellationToken),
                RedisMessages = listener.Messages,
                RedisBytes = listener.Bytes,
                SucceededThroughRedis = listener.Succeeded,
                PostgresCpu = postgresCpu,
                RedisCpu = redisCpu,
                SimulatorCpu = selfCpu,
            };
        }
        finally
        {
            foreach (var (redis, relay) in nodes)
            {
                await relay.StopAsync(CancellationToken.None);
                await redis.DisposeAsync();
            }
        }
    }

    /// <summary>Puts jobs of dead workers back, as a node does every renew interval (none die here; the sweep's cost is measured).</summary>
    private async Task SweepAsync(JobClaims claims, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(settings.RenewInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken)) await claims.RequeueExpiredAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The run is over.
        }
    }

    private async Task<IReadOnlyList<TimeSpan>> QueueWaitsAsync(DateTime startedAt, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var claimedAt = await db.Jobs.AsNoTracking().Where(j => j.StartedAt != null).Select(j => j.StartedAt!.Value).ToListAsync(cancellationToken);
        return claimedAt.Select(t => t - startedAt).ToList();
    }

    /// <summary>The PostgreSQL server's processes when it runs on this machine; null on SQLite or a remote server.</summary>
    private async Task<PostgresCpu?> PostgresOfAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (db is not PostgresAppDbContext) return null;
        var backend = await db.Database.SqlQueryRaw<int>("SELECT pg_backend_pid() AS \"Value\"").SingleAsync(cancellationToken);
        return PostgresCpu.Of(backend);
    }

    private async Task<ConnectionMultiplexer> ConnectAsync(bool allowAdmin = false)
    {
        var options = ScalingServiceCollectionExtensions.RedisOptions(redisConnection);
        // Measuring needs the server from the start: connect before returning (the app's nodes start without it).
        options.AbortOnConnectFail = true;
        options.AllowAdmin = allowAdmin;
        return await ConnectionMultiplexer.ConnectAsync(options);
    }

    /// <summary>The Redis server's CPU time so far (INFO cpu), or null when it does not answer.</summary>
    private static async Task<TimeSpan?> RedisCpuAsync(IConnectionMultiplexer redis)
    {
        try
        {
            var info = (await redis.GetServer(redis.GetEndPoints()[0]).InfoAsync("cpu")).SelectMany(g => g).ToDictionary(kv => kv.Key, kv => kv.Value);
            return TimeSpan.FromSeconds(double.Parse(info["used_cpu_sys"], CultureInfo.InvariantCulture) +
                                        double.Parse(info["used_cpu_user"], CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is RedisException or KeyNotFoundException or FormatException)
        {
            return null;
        }
    }
}
