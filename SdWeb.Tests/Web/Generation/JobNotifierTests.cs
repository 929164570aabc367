using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using SdWeb.Data;
using SdWeb.Engine.Pipelines;
using SdWeb.Generation;
using SdWeb.Tests.Web.Support;

namespace SdWeb.Tests.Web.Generation;

[Layer(Layer.Web)]
public class JobNotifierTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly ManualClock _clock = new();

    private JobNotifier Notifier(double previewsPerSecond = 4) =>
        new(previewsPerSecond, _clock, NullLogger<JobNotifier>.Instance);

    private static JobUpdate Running(Guid jobId, int step, string user = "alice", bool withPreview = false) =>
        new(jobId, user, JobStatus.Running,
            Progress: new JobProgress(1, 1, step, 1000, TimeSpan.Zero,
                withPreview ? new EncodedPreview(new PreviewImage(1, 1, [1, 2, 3], false)) : null));

    private static (Func<JobUpdate, Task> Callback, ChannelReader<JobUpdate> Received) Recorder()
    {
        var channel = Channel.CreateUnbounded<JobUpdate>();
        return (u => channel.Writer.WriteAsync(u).AsTask(), channel.Reader);
    }

    private static Task<JobUpdate> Next(ChannelReader<JobUpdate> received) =>
        received.ReadAsync().AsTask().WaitAsync(Patience);

    [Fact]
    public async Task AJobSubscriberGetsOnlyThatJobsUpdates()
    {
        var notifier = Notifier();
        var watched = Guid.NewGuid();
        var (callback, received) = Recorder();
        using var _ = notifier.SubscribeToJob(watched, callback);

        notifier.Publish(Running(Guid.NewGuid(), 1));
        notifier.Publish(Running(watched, 2));

        var update = await Next(received);
        Assert.Equal(watched, update.JobId);
        Assert.Equal(2, update.Progress!.Step);
    }

    [Fact]
    public async Task AUserSubscriberGetsAllOfThatUsersJobsAndNobodyElses()
    {
        var notifier = Notifier();
        var (callback, received) = Recorder();
        using var _ = notifier.SubscribeToUser("bob", callback);
        var first = Guid.NewGuid();
        var second = Guid.NewGuid();

        notifier.Publish(Running(first, 1, "bob"));
        Assert.Equal(first, (await Next(received)).JobId);
        notifier.Publish(Running(Guid.NewGuid(), 1, "alice"));
        notifier.Publish(Running(second, 1, "bob"));
        Assert.Equal(second, (await Next(received)).JobId);
    }

    [Fact]
    public async Task ALateSubscriberGetsTheCurrentStateOfAJobInProgressButNothingOnceItFinished()
    {
        var notifier = Notifier();
        var job = Guid.NewGuid();
        notifier.Publish(new JobUpdate(job, "alice", JobStatus.Queued, QueuePosition: 3));

        var (callback, received) = Recorder();
        using (notifier.SubscribeToJob(job, callback))
            Assert.Equal(3, (await Next(received)).QueuePosition);

        notifier.Publish(new JobUpdate(job, "alice", JobStatus.Succeeded, ImageIds: [Guid.NewGuid()]));
        Assert.Null(notifier.Latest(job));
    }

    [Fact]
    public async Task AStuckSubscriberNeitherBlocksThePublisherNorOtherSubscribersAndLaterGetsTheNewestState()
    {
        var notifier = Notifier();
        var job = Guid.NewGuid();
        var gate = new TaskCompletionSource();
        var stuckReceived = new List<int>();
        var stuckGotLast = new TaskCompletionSource();
        using var stuck = notifier.SubscribeToJob(job, async u =>
        {
            stuckReceived.Add(u.Progress!.Step);
            if (u.Progress.Step == 1000) stuckGotLast.SetResult();
            await gate.Task;
        });
        var (callback, fastReceived) = Recorder();
        using var fast = notifier.SubscribeToJob(job, callback);

        for (var step = 1; step <= 1000; step++) notifier.Publish(Running(job, step));
        // The publisher is done while the stuck subscriber has not been let go; the other one sees the end.
        JobUpdate last;
        do last = await Next(fastReceived); while (last.Progress!.Step < 1000);

        gate.SetResult();
        await stuckGotLast.Task.WaitAsync(Patience);
        Assert.Equal(1000, stuckReceived[^1]);
        Assert.True(stuckReceived.Count <= 2, $"older updates should have been dropped, got {stuckReceived.Count}");
    }

    [Fact]
    public async Task PreviewsAreSentAtMostAtTheConfiguredRateAndTheRestOfTheUpdateStillGoes()
    {
        var notifier = Notifier(previewsPerSecond: 4);
        var job = Guid.NewGuid();
        var (callback, received) = Recorder();
        using var _ = notifier.SubscribeToJob(job, callback);

        notifier.Publish(Running(job, 1, withPreview: true));
        Assert.NotNull((await Next(received)).Progress!.Preview);

        _clock.Advance(TimeSpan.FromMilliseconds(100));
        notifier.Publish(Running(job, 2, withPreview: true));
        var throttled = await Next(received);
        Assert.Equal(2, throttled.Progress!.Step);
        Assert.Null(throttled.Progress.Preview);

        _clock.Advance(TimeSpan.FromMilliseconds(150));
        notifier.Publish(Running(job, 3, withPreview: true));
        Assert.NotNull((await Next(received)).Progress!.Preview);
    }

    [Fact]
    public async Task ASubscriberThatThrowsKeepsGettingUpdates()
    {
        var notifier = Notifier();
        var job = Guid.NewGuid();
        var firstCalled = new TaskCompletionSource();
        var secondDelivered = new TaskCompletionSource<int>();
        using var _ = notifier.SubscribeToJob(job, u =>
        {
            if (firstCalled.TrySetResult()) throw new InvalidOperationException("circuit gone");
            secondDelivered.TrySetResult(u.Progress!.Step);
            return Task.CompletedTask;
        });

        notifier.Publish(Running(job, 1));
        await firstCalled.Task.WaitAsync(Patience);
        notifier.Publish(Running(job, 2));

        Assert.Equal(2, await secondDelivered.Task.WaitAsync(Patience));
    }
}
