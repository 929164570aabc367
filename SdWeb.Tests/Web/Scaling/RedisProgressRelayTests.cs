using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using SdWeb.Data;
using SdWeb.Engine.Pipelines;
using SdWeb.Generation;
using SdWeb.Scaling;
using SdWeb.Tests.Web.Support;
using StackExchange.Redis;

namespace SdWeb.Tests.Web.Scaling;

/// <summary>Two nodes (each its own notifier, relay and Redis connection) on one real redis-server.</summary>
[Layer(Layer.Web)]
public sealed class RedisProgressRelayTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly TestRedisServer _redis = new();
    private readonly List<IAsyncDisposable> _nodes = [];

    [Fact]
    public async Task ProgressAndPreviewPublishedOnOneNodeReachAWatcherOnAnother()
    {
        var worker = await NodeAsync();
        var web = await NodeAsync();
        var jobId = Guid.NewGuid();
        var received = Channel.CreateUnbounded<JobUpdate>();
        using var _ = web.Notifier.SubscribeToJob(jobId, u => received.Writer.WriteAsync(u).AsTask());

        var preview = new EncodedPreview(new PreviewImage(2, 2, [255, 0, 0, 0, 255, 0, 0, 0, 255, 9, 9, 9], false));
        worker.Notifier.Publish(new JobUpdate(jobId, "alice", JobStatus.Running,
            Progress: new JobProgress(1, 2, 7, 20, TimeSpan.FromSeconds(3), preview)));
        var running = await received.Reader.ReadAsync().AsTask().WaitAsync(Patience);

        Assert.Equal(JobStatus.Running, running.Status);
        Assert.Equal("alice", running.UserId);
        Assert.Equal((1, 2, 7, 20), (running.Progress!.Image, running.Progress.ImageCount, running.Progress.Step, running.Progress.TotalSteps));
        Assert.Equal(TimeSpan.FromSeconds(3), running.Progress.Eta);
        Assert.Equal(PreviewEncoder.ToJpeg(new PreviewImage(2, 2, [255, 0, 0, 0, 255, 0, 0, 0, 255, 9, 9, 9], false)), running.Progress.Preview!.Jpeg);
        Assert.Equal(running, web.Notifier.Latest(jobId));

        var imageIds = new[] { Guid.NewGuid(), Guid.NewGuid() };
        worker.Notifier.Publish(new JobUpdate(jobId, "alice", JobStatus.Succeeded, ImageIds: imageIds));
        var done = await received.Reader.ReadAsync().AsTask().WaitAsync(Patience);
        Assert.Equal(JobStatus.Succeeded, done.Status);
        Assert.Equal(imageIds, done.ImageIds);
        Assert.Null(web.Notifier.Latest(jobId));
    }

    [Fact]
    public async Task AnUpdateFromAnotherNodeIsNotSentBack()
    {
        var worker = await NodeAsync();
        var web = await NodeAsync();
        using var listener = await ConnectAsync();
        var onChannel = Channel.CreateUnbounded<ProgressMessage>();
        (await listener.GetSubscriber().SubscribeAsync(RedisProgressRelay.Channel))
            .OnMessage(m => onChannel.Writer.WriteAsync(ProgressMessage.FromUtf8((byte[])m.Message!)!).AsTask());
        var seenOnWeb = Channel.CreateUnbounded<JobUpdate>();
        using var _ = web.Notifier.SubscribeToAll(u => seenOnWeb.Writer.WriteAsync(u).AsTask());

        var first = Guid.NewGuid();
        // A queue position stays on its node (every node reads positions from the jobs table), so it never reaches the channel.
        worker.Notifier.Publish(new JobUpdate(Guid.NewGuid(), "alice", JobStatus.Queued, QueuePosition: 1));
        worker.Notifier.Publish(new JobUpdate(first, "alice", JobStatus.Running));
        await seenOnWeb.Reader.ReadAsync().AsTask().WaitAsync(Patience);
        // The web node's own update goes out after it has taken (and not re-sent) the worker's.
        var second = Guid.NewGuid();
        web.Notifier.Publish(new JobUpdate(second, "bob", JobStatus.Running));

        var messages = new List<ProgressMessage>();
        while (messages.All(m => m.JobId != second))
            messages.Add(await onChannel.Reader.ReadAsync().AsTask().WaitAsync(Patience));
        Assert.Equal([first, second], messages.Select(m => m.JobId));
    }

    [Fact]
    public async Task RedisDownDropsProgressWithoutFailingAndProgressResumesWhenItIsBack()
    {
        var worker = await NodeAsync();
        var web = await NodeAsync();
        var jobId = Guid.NewGuid();
        var received = Channel.CreateUnbounded<JobUpdate>();
        using var _ = web.Notifier.SubscribeToJob(jobId, u => received.Writer.WriteAsync(u).AsTask());
        worker.Notifier.Publish(Step(jobId, 1));
        Assert.Equal(1, (await received.Reader.ReadAsync().AsTask().WaitAsync(Patience)).Progress!.Step);

        _redis.Kill();
        // The worker's steps go on while Redis is away; its notifier takes them at once and the relay drops them.
        for (var step = 2; step <= 5; step++) worker.Notifier.Publish(Step(jobId, step));
        Assert.Equal(5, worker.Notifier.Latest(jobId)!.Progress!.Step);

        _redis.Start();
        // Reconnecting takes the client a moment; the steps that follow, as a running job makes them, reach the watcher.
        var step2 = 6;
        JobUpdate? resumed = null;
        while (resumed is null)
        {
            worker.Notifier.Publish(Step(jobId, step2++));
            using var wait = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
            try
            {
                resumed = await received.Reader.ReadAsync(wait.Token);
            }
            catch (OperationCanceledException) when (step2 < 1000)
            {
            }
        }
        Assert.True(resumed.Progress!.Step >= 6, $"got step {resumed.Progress.Step}, published while Redis was down");
    }

    private static JobUpdate Step(Guid jobId, int step) =>
        new(jobId, "alice", JobStatus.Running, Progress: new JobProgress(1, 1, step, 10_000, TimeSpan.Zero, null));

    /// <summary>A connection that is up: the app's options don't fail on a slow first connect, so under load it may still be connecting.</summary>
    private async Task<ConnectionMultiplexer> ConnectAsync()
    {
        var redis = await ConnectionMultiplexer.ConnectAsync(ScalingServiceCollectionExtensions.RedisOptions(_redis.Connection));
        for (var waited = 0; !redis.IsConnected && waited < 300; waited++) await Task.Delay(100);
        Assert.True(redis.IsConnected, $"could not connect to the test redis-server at {_redis.Connection} within 30 s");
        return redis;
    }

    private async Task<Node> NodeAsync()
    {
        var redis = await ConnectAsync();
        var notifier = new JobNotifier(4, TimeProvider.System, NullLogger<JobNotifier>.Instance);
        var relay = new RedisProgressRelay(redis, notifier, NullLogger<RedisProgressRelay>.Instance);
        await relay.StartAsync(CancellationToken.None);
        // On a busy machine the subscription connection can still be handshaking; the relay then subscribes on a retry,
        // and an update published before that is lost by design. The tests publish once both nodes listen.
        var deadline = DateTime.UtcNow + Patience;
        while (!relay.Subscribed && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.True(relay.Subscribed, $"the relay did not subscribe within {Patience.TotalSeconds} s");
        var node = new Node(notifier, relay, redis);
        _nodes.Add(node);
        return node;
    }

    public void Dispose()
    {
        foreach (var node in _nodes) node.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _redis.Dispose();
    }

    private sealed record Node(JobNotifier Notifier, RedisProgressRelay Relay, ConnectionMultiplexer Redis) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Relay.StopAsync(CancellationToken.None);
            await Redis.DisposeAsync();
        }
    }
}
