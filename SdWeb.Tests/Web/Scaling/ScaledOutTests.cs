using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using SdWeb.Auth;
using SdWeb.Data;
using SdWeb.Generation;
using SdWeb.Options;
using SdWeb.Scaling;
using SdWeb.Tests.Support;
using SdWeb.Tests.Web.EndToEnd;
using SdWeb.Tests.Web.Support;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using StackExchange.Redis;

namespace SdWeb.Tests.Web.Scaling;

/// <summary>
/// Scaled out for real: web nodes and `SdWeb worker` processes on one PostgreSQL database (its own, on the test server)
/// and one Redis, sharing a data folder, on the tiny model, on CPU.
/// </summary>
[Layer(Layer.Hardening)]
public sealed class ScaledOutTests : IDisposable
{
    private const string Model = ClusterProcesses.Model;

    /// <summary>A short lease so a killed worker's job waits seconds, not a minute.</summary>
    private const string ShortLease = "--SdWeb:Claims:Lease=00:00:06";

    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(10);
    private static readonly string[] Users = ["alice", "bob", "carol"];

    private readonly TestRedisServer _redis = new();
    private readonly TempDir _dir = new();
    private readonly List<IDisposable> _processes = [];

    [Fact]
    public async Task JobsSubmittedThroughTwoNodesRunOnceEachOnThreeWorkersFairlyAndShowTheirPlaceOnEitherNode()
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres, Users);
        var keys = new ApiKeyService(database, TimeProvider.System);
        var secrets = new Dictionary<string, string>();
        foreach (var user in Users) secrets[user] = (await keys.CreateAsync(user, "tests", CancellationToken.None)).Secret;
        // The workers' folder has another model until every job waits, so the whole queue is ordered before the first claim.
        var workerModels = _dir["worker-models"];
        Directory.CreateDirectory(workerModels);
        File.Copy(Golden.TinySdCheckpoint, Path.Combine(workerModels, "not-yet.safetensors"));
        _dir.CopyFrom(Golden.TinySdFolder, Path.Combine("node-models", Model));
        var nodes = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => StartNodeAsync(database)));
        var workers = Enumerable.Range(0, 3).Select(_ => StartWorker(database, workerModels)).ToList();
        await WaitAsync(database, async db => await db.Workers.CountAsync() == 3, "three workers advertised", workers);

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
            await WaitAsync(database, async _ => (await ReadAsync(other, id)).QueuePosition == expected, $"{user}'s job {index} at place {expected}", workers);
        }

        var staging = _dir.CopyFrom(Golden.TinySdFolder, "staging");
        Directory.Move(staging, Path.Combine(workerModels, Model));
        await WaitAsync(database, async db => await db.Jobs.AllAsync(j => j.Status == JobStatus.Succeeded || j.Status == JobStatus.Failed),
            "every job finished", workers);

        await using var check = database.CreateDbContext();
        var rows = await check.Jobs.AsNoTracking().ToListAsync();
        var imagesPerJob = await check.Images.Where(i => i.JobId != null).GroupBy(i => i.JobId!.Value).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count);
        Assert.All(rows, j => Assert.Equal((JobStatus.Succeeded, (string?)null, 1, 1), (j.Status, j.Error, j.Attempts, imagesPerJob.GetValueOrDefault(j.Id))));
        Assert.Equal(3, rows.Select(j => j.WorkerId).Distinct().Count());
        var started = rows.OrderBy(j => j.StartedAt).Select(j => jobs.Single(s => s.Id == j.Id)).ToList();
        // Each user's jobs start in the order they were submitted.
        foreach (var user in Users) Assert.Equal(Enumerable.Range(0, 10), started.Where(s => s.User == user).Select(s => s.Index));
        // Users take turns: at any point of the start order, no user has had more than two jobs started more than another.
        // The claims keep it to one; two workers claiming in the same instant may stamp their start times in either order.
        for (var n = 1; n <= started.Count; n++)
        {
            var counts = Users.Select(u => started.Take(n).Count(s => s.User == u)).ToList();
            Assert.True(counts.Max() - counts.Min() <= 2, $"after {n} starts the users had {string.Join("/", counts)} jobs started");
        }
    }

    [Fact]
    public async Task AJobWhoseWorkerIsKilledFinishesOnAnotherWorkerPixelIdenticalToTheSameJobRunWhole()
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres, "alice");
        var models = _dir.CopyFrom(Golden.TinySdFolder, Path.Combine("models", Model));
        var modelsDir = Path.GetDirectoryName(models)!;
        await using var redis = await ConnectionMultiplexer.ConnectAsync(ScalingServiceCollectionExtensions.RedisOptions(_redis.Connection));
        var notifier = new JobNotifier(4, TimeProvider.System, NullLogger<JobNotifier>.Instance);
        var relay = new RedisProgressRelay(redis, notifier, NullLogger<RedisProgressRelay>.Instance);
        await relay.StartAsync(CancellationToken.None);

        var first = StartWorker(database, modelsDir);
        var whole = await AddJobAsync(database);
        await WaitAsync(database, async db => await db.Jobs.AnyAsync(j => j.Id == whole && j.Status == JobStatus.Succeeded), "the first job done", [first]);
        var firstWorker = (await JobAsync(database, whole)).WorkerId;

        var stepped = Channel.CreateUnbounded<JobUpdate>();
        var killed = await AddJobAsync(database);
        using (notifier.SubscribeToJob(killed, u => u.Progress is { Step: > 0 } ? stepped.Writer.WriteAsync(u).AsTask() : Task.CompletedTask))
            await stepped.Reader.ReadAsync().AsTask().WaitAsync(Patience);
        first.Kill();
        var afterKill = await JobAsync(database, killed);
        Assert.True((afterKill.Status, afterKill.WorkerId) == (JobStatus.Running, firstWorker),
            $"the job should be running on the killed worker, not {afterKill.Status} on {afterKill.WorkerId}; make it longer");

        var second = StartWorker(database, modelsDir);
        await WaitAsync(database, async db => await db.Jobs.AnyAsync(j => j.Id == killed && j.Status != JobStatus.Running && j.Status != JobStatus.Queued),
            "the killed worker's job done elsewhere", [second]);
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

    private async Task<AppProcess> StartNodeAsync(TestDatabase database)
    {
        var node = await ClusterProcesses.StartNodeAsync(database, _redis.Connection, _dir["node-models"], ShortLease);
        lock (_processes) _processes.Add(node);
        return node;
    }

    private WorkerProcess StartWorker(TestDatabase database, string modelsDir)
    {
        var worker = ClusterProcesses.StartWorker(database, _redis.Connection, modelsDir, ShortLease);
        _processes.Add(worker);
        return worker;
    }

    private static HttpClient Client(AppProcess node, string key)
    {
        var client = new HttpClient { BaseAddress = new Uri(node.Url) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    private static async Task<Guid> SubmitAsync(HttpClient client, string prompt, long seed)
    {
        var response = await client.PostAsJsonAsync("/api/jobs", new { prompt, steps = 2, width = 64, height = 64, seed, model = Model });
        Assert.True(response.IsSuccessStatusCode, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<Accepted>())!.Id;
    }

    private static async Task<JobView> ReadAsync(HttpClient client, Guid id) => (await client.GetFromJsonAsync<JobView>($"/api/jobs/{id}"))!;

    /// <summary>A job long enough (many steps) to be killed in the middle; the same request each time.</summary>
    private static async Task<Guid> AddJobAsync(TestDatabase database)
    {
        await using var db = database.CreateDbContext();
        var job = new GenerationJob
        {
            UserId = "alice", Prompt = "a lighthouse at dusk", Sampler = "euler_a", Steps = 150, CfgScale = 7.5, Seed = 42,
            Width = 128, Height = 128, ModelName = Model,
        };
        db.Jobs.Add(job);
        await db.SaveChangesAsync();
        return job.Id;
    }

    private static async Task<GenerationJob> JobAsync(TestDatabase database, Guid id)
    {
        await using var db = database.CreateDbContext();
        return await db.Jobs.AsNoTracking().SingleAsync(j => j.Id == id);
    }

    /// <summary>Polls until <paramref name="done"/> holds; on timeout fails with the processes' output.</summary>
    private static async Task WaitAsync(TestDatabase database, Func<AppDbContext, Task<bool>> done, string what, IReadOnlyList<WorkerProcess> workers)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            await using (var db = database.CreateDbContext())
                if (await done(db)) return;
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"Not reached within {Patience}: {what}. Workers' output:\n{string.Join("\n-----\n", workers.Select(w => w.Output))}");
            await Task.Delay(250);
        }
    }

    private sealed record Accepted(Guid Id);

    public void Dispose()
    {
        foreach (var process in _processes) process.Dispose();
        _redis.Dispose();
        _dir.Dispose();
    }
}
