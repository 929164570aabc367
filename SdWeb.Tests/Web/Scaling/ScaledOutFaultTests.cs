using Microsoft.EntityFrameworkCore;
using SdWeb.Auth;
using SdWeb.Data;
using SdWeb.Options;
using SdWeb.Tests.Support;
using SdWeb.Tests.Web.Support;
using static SdWeb.Tests.Web.Scaling.ScaledOutCluster;

namespace SdWeb.Tests.Web.Scaling;

/// <summary>
/// The shared servers failing under a scaled-out run (<see cref="ScaledOutCluster"/>): a PostgreSQL server of the test's
/// own restarted, the test's Redis stopped and started again, while worker processes run jobs.
/// </summary>
[Layer(Layer.Hardening)]
public sealed class ScaledOutFaultTests : IDisposable
{
    private readonly TestRedisServer _redis = new();

    [Fact]
    public async Task PostgreSqlRestartedMidRunIsWaitedForAndEveryJobCompletesOnceWithItsImage()
    {
        using var server = PrivatePostgres.Start();
        using var database = await TestDatabase.CreateOnAsync(server.AdminConnection, "alice");
        // A lease longer than the restart: the jobs must live through it by retrying, not by being run again.
        using var cluster = new ScaledOutCluster(database, _redis, TimeSpan.FromSeconds(20));
        var secret = (await new ApiKeyService(database, TimeProvider.System).CreateAsync("alice", "tests", CancellationToken.None)).Secret;
        var modelsDir = Path.GetDirectoryName(cluster.Dir.CopyFrom(Golden.TinySdFolder, Path.Combine("models", Model)))!;
        var node = await cluster.StartNodeAsync(modelsDir);
        cluster.StartWorker(modelsDir);
        cluster.StartWorker(modelsDir);
        var client = Client(node, secret);
        var jobs = new List<Guid>();
        for (var i = 0; i < 4; i++) jobs.Add(await SubmitAsync(client, $"job {i}", seed: 200 + i, steps: 60, size: 128));

        await cluster.WaitAsync(async db => await db.Jobs.AnyAsync(j => j.Status == JobStatus.Running), "a job running");
        server.Restart();
        // The node reaches the database again too: it accepts a job after the restart.
        jobs.Add(await SubmitAsync(client, "after the restart", seed: 300));
        await cluster.WaitAsync(async db => await db.Jobs.AllAsync(j => j.Status != JobStatus.Queued && j.Status != JobStatus.Running),
            "every job finished");

        await using var check = database.CreateDbContext();
        var rows = await check.Jobs.AsNoTracking().ToListAsync();
        var images = await check.Images.AsNoTracking().ToListAsync();
        Assert.Equal(jobs.Order(), rows.Select(j => j.Id).Order());
        // One start each: nothing was run again, so no lease was lost and nothing could complete twice.
        Assert.All(rows, j => Assert.Equal((JobStatus.Succeeded, (string?)null, 1, 1), (j.Status, j.Error, j.Attempts, images.Count(i => i.JobId == j.Id))));
        Assert.All(images, i => Assert.True(File.Exists(Path.Combine(database.Dir.Path, i.FilePath)), $"{i.FilePath} is missing"));
    }

    [Fact]
    public async Task GenerationGoesOnWhileRedisIsDownAndProgressReachesTheNodeAgainOnceItIsBack()
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres, "alice");
        using var cluster = new ScaledOutCluster(database, _redis, TimeSpan.FromSeconds(20));
        var secret = (await new ApiKeyService(database, TimeProvider.System).CreateAsync("alice", "tests", CancellationToken.None)).Secret;
        var modelsDir = Path.GetDirectoryName(cluster.Dir.CopyFrom(Golden.TinySdFolder, Path.Combine("models", Model)))!;
        var node = await cluster.StartNodeAsync(modelsDir);
        cluster.StartWorker(modelsDir);
        var client = Client(node, secret);

        // Progress goes from the worker to the node through Redis.
        var before = await SubmitAsync(client, "before", seed: 1, steps: 150, size: 128);
        await cluster.WaitAsync(async () => (await ReadAsync(client, before)) is { Status: "Running", Step: > 0 }, "the node showing the first job's progress");

        _redis.Kill();
        var during = await SubmitAsync(client, "while Redis is down", seed: 2);
        await cluster.WaitAsync(async db => await db.Jobs.CountAsync(j => j.Status == JobStatus.Succeeded) == 2, "both jobs done without Redis");

        var after = await SubmitAsync(client, "Redis comes back", seed: 3, steps: 600, size: 128);
        await cluster.WaitAsync(async db => await db.Jobs.AnyAsync(j => j.Id == after && j.Status == JobStatus.Running), "the third job running");
        _redis.Start();
        await cluster.WaitAsync(async () => (await ReadAsync(client, after)) is { Status: "Running", Step: > 0 }, "the node showing progress again");
        await cluster.WaitAsync(async db => await db.Jobs.AllAsync(j => j.Status != JobStatus.Queued && j.Status != JobStatus.Running),
            "every job finished");

        await using var check = database.CreateDbContext();
        var rows = await check.Jobs.AsNoTracking().ToListAsync();
        var images = await check.Images.AsNoTracking().ToListAsync();
        Assert.Equal(new[] { before, during, after }.Order(), rows.Select(j => j.Id).Order());
        Assert.All(rows, j => Assert.Equal((JobStatus.Succeeded, (string?)null, 1, 1), (j.Status, j.Error, j.Attempts, images.Count(i => i.JobId == j.Id))));
    }

    public void Dispose() => _redis.Dispose();
}
