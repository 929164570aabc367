using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using SdWeb.Auth;
using SdWeb.Data;
using SdWeb.Generation;
using SdWeb.Options;
using SdWeb.Scaling;
using SdWeb.Tests.Support;
using SdWeb.Tests.Web.Support;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using StackExchange.Redis;
using static SdWeb.Tests.Web.Scaling.ScaledOutCluster;

namespace SdWeb.Tests.Web.Scaling;

/// <summary>
/// Scaled out for real (<see cref="ScaledOutCluster"/>): web nodes and `SdWeb worker` processes on one PostgreSQL
/// database (its own, on the test server) and one Redis, sharing a data folder, on the tiny model, on CPU.
/// </summary>
[Layer(Layer.Hardening)]
public sealed class ScaledOutTests : IDisposable
{
    private static readonly string[] Users = ["alice", "bob", "carol"];
    private const int Workers = 3;

    private readonly TestRedisServer _redis = new();

    [Fact]
    public async Task JobsSubmittedThroughTwoNodesRunOnceEachOnThreeWorkersFairlyAndShowTheirPlaceOnEitherNode()
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres, Users);
        using var cluster = new ScaledOutCluster(database, _redis, TimeSpan.FromSeconds(6));
        var keys = new ApiKeyService(database, TimeProvider.System);
        var secrets = new Dictionary<string, string>();
        foreach (var user in Users) secrets[user] = (await keys.CreateAsync(user, "tests", CancellationToken.None)).Secret;
        // The workers' folder has another model until every job waits, so the whole queue is ordered before the first claim.
        var workerModels = cluster.Dir["worker-models"];
        Directory.CreateDirectory(workerModels);
        File.Copy(Golden.TinySdCheckpoint, Path.Combine(workerModels, "not-yet.safetensors"));
        var nodeModels = Path.GetDirectoryName(cluster.Dir.CopyFrom(Golden.TinySdFolder, Path.Combine("node-models", Model)))!;
        var nodes = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => cluster.StartNodeAsync(nodeModels)));
        for (var i = 0; i < Workers; i++) cluster.StartWorker(workerModels);
        await cluster.WaitAsync(async db => await db.Workers.CountAsync() == Workers, "three workers advertised");

        // alice's ten, then bob's, then carol's, each user's alternately through node A and B.
        var jobs = new List<(string User, int Index, Guid Id)>();
        foreach (var user in Users)
        {
            for (var i = 0; i < 10; i++)
                jobs.Add((user, i, await SubmitAsync(Client(nodes[i % 2], secrets[user]), $"{user}'s job {i}", seed: 100 + i)));
        }

        // Each job's place, read through the node it was not submitted to: round-robin by user, as claims will take them.
        foreach (var (user, index, id) in jobs)
        {
            var expected = (3 * index) + Array.IndexOf(Users, user) + 1;
            var other = Client(nodes[(index + 1) % 2], secrets[user]);
            await cluster.WaitAsync(async () => (await ReadAsync(other, id)).QueuePosition == expected, $"{user}'s job {index} at place {expected}");
        }

        var staging = cluster.Dir.CopyFrom(Golden.TinySdFolder, "staging");
        Directory.Move(staging, Path.Combine(workerModels, Model));
        await cluster.WaitAsync(async db => await db.Jobs.AllAsync(j => j.Status == JobStatus.Succeeded || j.Status == JobStatus.Failed),
            "every job finished");

        await using var check = database.CreateDbContext();
        var rows = await check.Jobs.AsNoTracking().ToListAsync();
        var imagesPerJob = await check.Images.Where(i => i.JobId != null).GroupBy(i => i.JobId!.Value).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count);
        Assert.All(rows, j => Assert.Equal((JobStatus.Succeeded, (string?)null, 1, 1), (j.Status, j.Error, j.Attempts, imagesPerJob.GetValueOrDefault(j.Id))));
        Assert.Equal(Workers, rows.Select(j => j.WorkerId).Distinct().Count());
        // StartedAt is the database's clock as each claim took its row: the order of the claims themselves.
        var started = rows.OrderBy(j => j.StartedAt).Select(j => jobs.Single(s => s.Id == j.Id)).ToList();
        // Each user's jobs start in the order they were submitted.
        foreach (var user in Users) Assert.Equal(Enumerable.Range(0, 10), started.Where(s => s.User == user).Select(s => s.Index));
        // Users take turns: a user's n-th job is claimed in the n-th turn (places 3n … 3n+2 of the claim order), give or
        // take the claims in flight at once: each of the other workers' may take its row first, so a job's place is off
        // by at most Workers - 1 = 2 places, which is never more than one turn.
        for (var place = 0; place < started.Count; place++)
        {
            var turn = place / Users.Length;
            Assert.True(Math.Abs(turn - started[place].Index) <= 1,
                $"claim {place + 1} (turn {turn + 1}) was {started[place].User}'s job {started[place].Index + 1}, more than a turn away; " +
                $"claim order: {string.Join(" ", started.Select(s => $"{s.User[0]}{s.Index + 1}"))}");
        }
    }

    [Fact]
    public async Task AJobWhoseWorkerIsKilledFinishesOnAnotherWorkerPixelIdenticalToTheSameJobRunWhole()
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres, "alice");
        using var cluster = new ScaledOutCluster(database, _redis, TimeSpan.FromSeconds(6));
        var models = cluster.Dir.CopyFrom(Golden.TinySdFolder, Path.Combine("models", Model));
        var modelsDir = Path.GetDirectoryName(models)!;
        await using var redis = await ConnectionMultiplexer.ConnectAsync(ScalingServiceCollectionExtensions.RedisOptions(_redis.Connection));
        var notifier = new JobNotifier(4, TimeProvider.System, NullLogger<JobNotifier>.Instance);
        var relay = new RedisProgressRelay(redis, notifier, NullLogger<RedisProgressRelay>.Instance);
        await relay.StartAsync(CancellationToken.None);

        var first = cluster.StartWorker(modelsDir);
        var whole = await AddLongJobAsync(database);
        await cluster.WaitAsync(async db => await db.Jobs.AnyAsync(j => j.Id == whole && j.Status == JobStatus.Succeeded), "the first job done");
        var firstWorker = (await JobAsync(database, whole)).WorkerId;

        var stepped = Channel.CreateUnbounded<JobUpdate>();
        var killed = await AddLongJobAsync(database);
        using (notifier.SubscribeToJob(killed, u => u.Progress is { Step: > 0 } ? stepped.Writer.WriteAsync(u).AsTask() : Task.CompletedTask))
            await stepped.Reader.ReadAsync().AsTask().WaitAsync(Patience);
        first.Kill();
        var afterKill = await JobAsync(database, killed);
        Assert.True((afterKill.Status, afterKill.WorkerId) == (JobStatus.Running, firstWorker),
            $"the job should be running on the killed worker, not {afterKill.Status} on {afterKill.WorkerId}; make it longer");

        cluster.StartWorker(modelsDir);
        await cluster.WaitAsync(async db => await db.Jobs.AnyAsync(j => j.Id == killed && j.Status != JobStatus.Running && j.Status != JobStatus.Queued),
            "the killed worker's job done elsewhere");
        await relay.StopAsync(CancellationToken.None);

        var done = await JobAsync(database, killed);
        Assert.Equal((JobStatus.Succeeded, 2), (done.Status, done.Attempts));
        Assert.NotEqual(firstWorker, done.WorkerId);
        await using var check = database.CreateDbContext();
        var wholeImage = await check.Images.SingleAsync(i => i.JobId == whole);
        var resumedImage = await check.Images.SingleAsync(i => i.JobId == killed);
        using var expected = await Image.LoadAsync<Rgb24>(Path.Combine(database.Dir.Path, wholeImage.FilePath));
        using var actual = await Image.LoadAsync<Rgb24>(Path.Combine(database.Dir.Path, resumedImage.FilePath));
        Assert.Equal((expected.Width, expected.Height), (actual.Width, actual.Height));
        var differing = 0;
        for (var y = 0; y < expected.Height; y++)
            for (var x = 0; x < expected.Width; x++)
                if (!expected[x, y].Equals(actual[x, y])) differing++;
        Assert.Equal(0, differing);
    }

    public void Dispose() => _redis.Dispose();
}
