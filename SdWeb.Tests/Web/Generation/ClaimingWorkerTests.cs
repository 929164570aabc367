using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using SdWeb.Data;
using SdWeb.Generation;
using SdWeb.Options;
using SdWeb.Tests.Web.Support;

namespace SdWeb.Tests.Web.Generation;

/// <summary>The worker of the scaled-out path: claims from the jobs table, keeps its lease, obeys cancels and lease loss read from the row.</summary>
[Layer(Layer.Web)]
public class ClaimingWorkerTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task AWaitingJobIsClaimedRunAndFinishedUnderTheWorkersLease(DatabaseProvider provider)
    {
        using var h = await GenerationHarness.CreateAsync(provider: provider);
        var worker = h.ClaimingWorker();
        await worker.StartAsync(CancellationToken.None);
        try
        {
            var id = await h.SubmitAsync();

            var job = await FinishedAsync(h, id);

            Assert.Equal((JobStatus.Succeeded, worker.WorkerId, (DateTime?)null, 1), (job.Status, job.WorkerId, job.LeaseExpiresAt, job.Attempts));
            Assert.Equal(new Guid?[] { id }, (await h.SavedAsync()).Select(i => i.JobId));
            var advertised = Assert.Single(await new WorkerRegistry(h.Database, ClaimSettings.Default, TimeProvider.System).LiveAsync(CancellationToken.None));
            Assert.Equal(worker.WorkerId, advertised.Id);
            Assert.Equal(["model-a", "model-b"], advertised.Models);
            // On CPU the machine's available memory: something, and no more than the machine has.
            var total = long.Parse(File.ReadLines("/proc/meminfo").Single(l => l.StartsWith("MemTotal:", StringComparison.Ordinal))
                .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            Assert.InRange(advertised.FreeMemoryBytes!.Value, 1, total);
        }
        finally
        {
            await worker.StopAsync(CancellationToken.None);
        }
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task ACancelMadeOnAnotherNodeReachesTheRunningJobThroughItsRow(DatabaseProvider provider)
    {
        using var h = await GenerationHarness.CreateAsync(provider: provider);
        using var stepEntered = new SemaphoreSlim(0);
        h.Factory.Configure = p => p.BeforeStep = (_, _, ct) =>
        {
            stepEntered.Release();
            ct.WaitHandle.WaitOne(Patience); // a step that lasts until the job is stopped
        };
        var worker = h.ClaimingWorker();
        await worker.StartAsync(CancellationToken.None);
        try
        {
            var id = await h.SubmitAsync();
            Assert.True(await stepEntered.WaitAsync(Patience), "the job never reached its first step");
            // Another node: its own cancellations know nothing of this worker's run; only the row connects them.
            using var positions = new SharedQueuePositions(h.Claims, h.Notifier, NullLogger<SharedQueuePositions>.Instance);
            var otherNode = new JobCanceller(
                h.Database, new SharedJobDispatch(h.Claims, new JobCancellations(), new JobArrivals(), positions), h.Notifier, TimeProvider.System);

            Assert.Equal(CancelOutcome.Stopping, await otherNode.CancelAsync(id, "alice", isAdmin: false, CancellationToken.None));

            var job = await FinishedAsync(h, id);
            Assert.Equal((JobStatus.Cancelled, worker.WorkerId), (job.Status, job.WorkerId));
        }
        finally
        {
            await worker.StopAsync(CancellationToken.None);
        }
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task AWorkerThatLostItsLeaseStopsTheJobAndRecordsNothing(DatabaseProvider provider)
    {
        using var h = await GenerationHarness.CreateAsync(provider: provider);
        using var stepEntered = new SemaphoreSlim(0);
        using var stopped = new SemaphoreSlim(0);
        h.Factory.Configure = p => p.BeforeStep = (_, _, ct) =>
        {
            stepEntered.Release();
            if (ct.WaitHandle.WaitOne(Patience)) stopped.Release();
        };
        var worker = h.ClaimingWorker();
        await worker.StartAsync(CancellationToken.None);
        Guid id;
        try
        {
            id = await h.SubmitAsync();
            Assert.True(await stepEntered.WaitAsync(Patience), "the job never reached its first step");

            // As after a network cut: the lease ran out, the job was put back and another worker took it over.
            await using (var db = h.Database.CreateDbContext())
                await db.Jobs.Where(j => j.Id == id).ExecuteUpdateAsync(s => s.SetProperty(j => j.WorkerId, "worker-elsewhere"));

            Assert.True(await stopped.WaitAsync(Patience), "the worker went on with a job that is no longer its own");
        }
        finally
        {
            await worker.StopAsync(CancellationToken.None);
        }

        var job = await h.JobAsync(id);
        Assert.Equal((JobStatus.Running, "worker-elsewhere", (DateTime?)null), (job.Status, job.WorkerId, job.FinishedAt));
        Assert.Empty(await h.SavedAsync());
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task EveryNodeReadsQueuePositionsInTheOrderClaimsTakeJobs(DatabaseProvider provider)
    {
        using var h = await GenerationHarness.CreateAsync(provider: provider);
        var a1 = await h.SubmitAsync("alice");
        var a2 = await h.SubmitAsync("alice");
        var b1 = await h.SubmitAsync("bob");
        using var positions = new SharedQueuePositions(h.Claims, h.Notifier, NullLogger<SharedQueuePositions>.Instance);

        await positions.PublishAsync(CancellationToken.None);
        Assert.Equal([1, 3, 2], new[] { a1, a2, b1 }.Select(id => h.Notifier.Latest(id)!.QueuePosition));

        Assert.Equal(a1, (await h.Claims.ClaimNextAsync("worker-1", ["model-a"], CancellationToken.None))!.JobId);
        await positions.PublishAsync(CancellationToken.None);
        Assert.Equal([2, 1], new[] { a2, b1 }.Select(id => h.Notifier.Latest(id)!.QueuePosition));
    }

    private static async Task<GenerationJob> FinishedAsync(GenerationHarness h, Guid id)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var job = await h.JobAsync(id);
            if (job.Status is not (JobStatus.Queued or JobStatus.Running) || DateTime.UtcNow > deadline) return job;
            await Task.Delay(50);
        }
    }
}
