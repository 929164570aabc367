using SdWeb.Data;
using SdWeb.Generation;
using SdWeb.Options;
using SdWeb.Tests.Web.Support;

namespace SdWeb.Tests.Web.Generation;

[Layer(Layer.Web)]
public class GenerationWorkerTests
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task AtStartWaitingJobsAreQueuedAgainAndAJobInterruptedOnceWaitsAgainButNotTwice(DatabaseProvider provider)
    {
        using var h = await GenerationHarness.CreateAsync(provider: provider);
        var waiting = await h.SubmitAsync("alice");
        var interruptedOnce = await h.SubmitAsync("bob");
        var interruptedTwice = await h.SubmitAsync("alice");
        await using (var db = h.Database.CreateDbContext())
        {
            (await db.Jobs.FindAsync(interruptedOnce))!.Status = JobStatus.Running;
            var twice = (await db.Jobs.FindAsync(interruptedTwice))!;
            (twice.Status, twice.Attempts) = (JobStatus.Running, 2);
            await db.SaveChangesAsync();
        }
        h.Queue.Restore([]); // a new process: the in-memory queue is empty

        await h.Worker().RestoreQueueAsync(CancellationToken.None);

        Assert.Equal([waiting, interruptedOnce], h.Queue.Snapshot().Select(j => j.JobId));
        var failed = await h.JobAsync(interruptedTwice);
        Assert.Equal(JobStatus.Failed, failed.Status);
        Assert.Equal(GenerationWorker.InterruptedTwice, failed.Error);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task AtStartAJobLeasedByAWorkerElsewhereIsLeftToItsLease(DatabaseProvider provider)
    {
        using var h = await GenerationHarness.CreateAsync(provider: provider);
        var leased = await h.SubmitAsync("alice");
        var claims = new JobClaims(h.Database, ClaimSettings.Default, TimeProvider.System);
        Assert.Equal(leased, (await claims.ClaimNextAsync("worker-elsewhere", ["model-a"], CancellationToken.None))!.JobId);
        h.Queue.Restore([]);

        await h.Worker().RestoreQueueAsync(CancellationToken.None);

        Assert.Empty(h.Queue.Snapshot());
        var job = await h.JobAsync(leased);
        Assert.Equal((JobStatus.Running, "worker-elsewhere"), (job.Status, job.WorkerId));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task TheRunningWorkerTakesSubmittedJobsOffTheQueueAndRunsThem(DatabaseProvider provider)
    {
        using var h = await GenerationHarness.CreateAsync(provider: provider);
        var worker = h.Worker();
        await worker.StartAsync(CancellationToken.None);
        try
        {
            var id = await h.SubmitAsync();
            var finished = new TaskCompletionSource<JobUpdate>();
            using var _ = h.Notifier.SubscribeToJob(id, u =>
            {
                if (u.IsFinished) finished.TrySetResult(u);
                return Task.CompletedTask;
            });
            if ((await h.JobAsync(id)).Status == JobStatus.Succeeded) return; // finished before the subscription

            Assert.Equal(JobStatus.Succeeded, (await finished.Task.WaitAsync(TimeSpan.FromSeconds(30))).Status);
        }
        finally
        {
            await worker.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task StoppingFreesTheModelOnceAndOnlyAfterTheRunningStepHasFinished()
    {
        using var h = await GenerationHarness.CreateAsync();
        using var stepEntered = new SemaphoreSlim(0);
        using var finishStep = new ManualResetEventSlim();
        var freedDuringStep = false;
        h.Factory.Configure = p => p.BeforeStep = (_, _, _) =>
        {
            stepEntered.Release();
            finishStep.Wait(CancellationToken.None);
            freedDuringStep |= p.Disposed;
        };
        var worker = h.Worker();
        await worker.StartAsync(CancellationToken.None);
        await h.SubmitAsync();
        Assert.True(await stepEntered.WaitAsync(TimeSpan.FromSeconds(30)), "the job never reached its first step");

        // The host gives up waiting (its shutdown timeout) and stops twice at once, as a disposed test host can.
        var giveUp = new CancellationToken(canceled: true);
        await Task.WhenAll(Task.Run(() => StopQuietly(worker, giveUp)), Task.Run(() => StopQuietly(worker, giveUp)));
        var pipeline = Assert.Single(h.Factory.Loaded);
        Assert.False(pipeline.Disposed, "the weights were freed while a step was running on them");

        finishStep.Set();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!pipeline.Disposed && DateTime.UtcNow < deadline) await Task.Delay(20);

        Assert.False(freedDuringStep);
        Assert.Equal(1, pipeline.DisposeCount);
    }

    private static async Task StopQuietly(GenerationWorker worker, CancellationToken token)
    {
        try
        {
            await worker.StopAsync(token);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
