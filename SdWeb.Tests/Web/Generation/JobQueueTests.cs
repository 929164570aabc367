using SdWeb.Generation;

namespace SdWeb.Tests.Web.Generation;

[Layer(Layer.Web)]
public class JobQueueTests
{
    private long _sequence;

    private QueuedJob Job(string user) => new(Guid.NewGuid(), user, ++_sequence);

    private static async Task<List<string>> DrainUsers(JobQueue queue)
    {
        var users = new List<string>();
        while (queue.Count > 0) users.Add((await queue.DequeueAsync(CancellationToken.None)).UserId);
        return users;
    }

    [Fact]
    public async Task ASingleUserRunsInSubmissionOrder()
    {
        var queue = new JobQueue();
        var jobs = Enumerable.Range(0, 5).Select(_ => Job("alice")).ToList();
        jobs.ForEach(queue.Enqueue);

        foreach (var expected in jobs)
            Assert.Equal(expected, await queue.DequeueAsync(CancellationToken.None));
    }

    [Fact]
    public async Task AColleaguesSingleJobRunsRightAfterTheRunningJobOfABulkUser()
    {
        var queue = new JobQueue();
        for (var i = 0; i < 10; i++) queue.Enqueue(Job("bulk"));
        await queue.DequeueAsync(CancellationToken.None); // bulk's first job is now running

        var single = Job("single");
        queue.Enqueue(single);

        Assert.Equal(1, queue.PositionOf(single.JobId));
        Assert.Equal(single, await queue.DequeueAsync(CancellationToken.None));
    }

    [Fact]
    public async Task UsersTakeTurnsRoundRobin()
    {
        var queue = new JobQueue();
        for (var i = 0; i < 3; i++) queue.Enqueue(Job("a"));
        for (var i = 0; i < 2; i++) queue.Enqueue(Job("b"));
        queue.Enqueue(Job("c"));

        Assert.Equal(["a", "b", "c", "a", "b", "a"], await DrainUsers(queue));
    }

    [Fact]
    public async Task AUserWhoJustRanWaitsBehindANewcomer()
    {
        var queue = new JobQueue();
        queue.Enqueue(Job("a"));
        await queue.DequeueAsync(CancellationToken.None); // a's job is running
        queue.Enqueue(Job("a"));
        queue.Enqueue(Job("b"));

        Assert.Equal(["b", "a"], await DrainUsers(queue));
    }

    [Fact]
    public async Task PositionsFollowTheFairOrder()
    {
        var queue = new JobQueue();
        var a1 = Job("a");
        var a2 = Job("a");
        var b1 = Job("b");
        queue.Enqueue(a1);
        queue.Enqueue(a2);
        queue.Enqueue(b1);

        Assert.Equal(1, queue.PositionOf(a1.JobId));
        Assert.Equal(2, queue.PositionOf(b1.JobId));
        Assert.Equal(3, queue.PositionOf(a2.JobId));
        Assert.Equal([a1, b1, a2], queue.Snapshot());

        await queue.DequeueAsync(CancellationToken.None);
        Assert.Null(queue.PositionOf(a1.JobId));
        Assert.Equal(1, queue.PositionOf(b1.JobId));
    }

    [Fact]
    public async Task ARemovedJobDoesNotRunAndGivesItsTurnBack()
    {
        var queue = new JobQueue();
        var a1 = Job("a");
        var a2 = Job("a");
        queue.Enqueue(a1);
        queue.Enqueue(a2);
        queue.Enqueue(Job("b"));

        Assert.True(queue.Remove(a2.JobId));
        Assert.False(queue.Remove(a2.JobId));
        queue.Enqueue(Job("a")); // takes the round a2 had, still after b's turn
        queue.Enqueue(Job("b"));

        Assert.Equal(["a", "b", "a", "b"], await DrainUsers(queue));
    }

    [Fact]
    public async Task RestoreRebuildsAFairOrderFromStoredJobsGivenInAnyOrder()
    {
        var queue = new JobQueue();
        var stored = new[] { Job("a"), Job("a"), Job("a"), Job("b") };
        queue.Restore(stored.Reverse());

        Assert.Equal(["a", "b", "a", "a"], await DrainUsers(queue));
    }

    [Fact]
    public async Task DequeueAsyncWaitsUntilAJobArrives()
    {
        var queue = new JobQueue();
        var pending = queue.DequeueAsync(CancellationToken.None);
        Assert.False(pending.IsCompleted);

        var job = Job("a");
        queue.Enqueue(job);

        Assert.Equal(job, await pending.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task DequeueAsyncStopsWaitingWhenCancelled()
    {
        var queue = new JobQueue();
        using var cts = new CancellationTokenSource();
        var pending = queue.DequeueAsync(cts.Token);
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
    }

    [Fact]
    public void EnqueueingTheSameJobTwiceIsRefused()
    {
        var queue = new JobQueue();
        var job = Job("a");
        queue.Enqueue(job);

        var error = Assert.Throws<InvalidOperationException>(() => queue.Enqueue(job));
        Assert.Equal($"Job {job.JobId} is already queued.", error.Message);
    }

    [Fact]
    public void ChangedIsRaisedOnEveryChangeOfOrder()
    {
        var queue = new JobQueue();
        var changes = 0;
        queue.Changed += () => changes++;
        var job = Job("a");

        queue.Enqueue(job);
        queue.Remove(job.JobId);
        queue.Restore([Job("b")]);

        Assert.Equal(3, changes);
    }
}
