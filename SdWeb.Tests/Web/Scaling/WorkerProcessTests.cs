using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using SdWeb.Data;
using SdWeb.Generation;
using SdWeb.Scaling;
using SdWeb.Tests.Support;
using SdWeb.Tests.Web.Support;
using StackExchange.Redis;

namespace SdWeb.Tests.Web.Scaling;

/// <summary>`SdWeb worker` as its own process on the tiny demo model, watched from this process through Redis.</summary>
[Layer(Layer.Web)]
public sealed class WorkerProcessTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(10);
    private readonly TestRedisServer _redis = new();
    private readonly TempDir _models = new();

    [Fact]
    public async Task AJobRunByAWorkerProcessShowsItsStepsAndResultOnAnotherNode()
    {
        using var database = await TestDatabase.CreateAsync("alice");
        var job = new GenerationJob
        {
            UserId = "alice", Prompt = "a lighthouse", Sampler = "euler_a", Steps = 3, CfgScale = 7.5, Seed = 1,
            Width = 64, Height = 64, ModelName = DemoModel.Name,
        };
        await using (var db = database.CreateDbContext())
        {
            db.Jobs.Add(job);
            await db.SaveChangesAsync();
        }

        await using var redis = await ConnectionMultiplexer.ConnectAsync(ScalingServiceCollectionExtensions.RedisOptions(_redis.Connection));
        var notifier = new JobNotifier(4, TimeProvider.System, NullLogger<JobNotifier>.Instance);
        var relay = new RedisProgressRelay(redis, notifier, NullLogger<RedisProgressRelay>.Instance);
        await relay.StartAsync(CancellationToken.None);
        var received = Channel.CreateUnbounded<JobUpdate>();
        using var _ = notifier.SubscribeToJob(job.Id, u => received.Writer.WriteAsync(u).AsTask());

        using var worker = WorkerProcess.Start(database.Dir.Path, _models.Path, $"--SdWeb:Redis={_redis.Connection}");
        var updates = new List<JobUpdate>();
        try
        {
            while (updates.LastOrDefault()?.IsFinished != true)
                updates.Add(await received.Reader.ReadAsync().AsTask().WaitAsync(Patience));
        }
        catch (TimeoutException)
        {
            Assert.Fail($"No result from the worker within {Patience}. Its output:\n{worker.Output}");
        }
        finally
        {
            worker.Kill();
        }
        await relay.StopAsync(CancellationToken.None);

        Assert.Contains(updates, u => u.Status == JobStatus.Running && u.Progress is { Step: > 0, TotalSteps: 3 });
        var done = updates[^1];
        Assert.Equal(JobStatus.Succeeded, done.Status);
        await using var check = database.CreateDbContext();
        Assert.Equal(
            await check.Images.Where(i => i.JobId == job.Id).Select(i => i.Id).ToListAsync(),
            done.ImageIds);
    }

    public void Dispose()
    {
        _redis.Dispose();
        _models.Dispose();
    }
}
