using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using SdWeb.Data;
using SdWeb.Generation;
using SdWeb.Options;
using SdWeb.Tests.Web.Support;

namespace SdWeb.Tests.Web.Generation;

/// <summary>The jobs table as a queue shared by workers, on both databases: claims, fairness, leases, models.</summary>
[Layer(Layer.Web)]
public class JobClaimsTests
{
    private static readonly string[] AllModels = ["model-a", "model-b"];

    private readonly SettableClock _clock = new(new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.Zero));

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task WorkersRacingNeverClaimTheSameJobAndLeaveNoneBehind(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, "alice", "bob", "carol");
        var jobs = new List<Guid>();
        for (var i = 0; i < 40; i++) jobs.Add(await AddJobAsync(database, new[] { "alice", "bob", "carol" }[i % 3]));
        var claims = Claims(database);

        var claimed = new ConcurrentBag<(string Worker, Guid Job)>();
        var workers = Enumerable.Range(1, 4).Select(n => Task.Run(async () =>
        {
            while (await claims.ClaimNextAsync($"worker-{n}", AllModels, CancellationToken.None) is { } claim)
                claimed.Add(($"worker-{n}", claim.JobId));
        }));
        await Task.WhenAll(workers);

        Assert.Equal(jobs.Order(), claimed.Select(c => c.Job).Order());
        await using var db = database.CreateDbContext();
        var rows = await db.Jobs.AsNoTracking().ToDictionaryAsync(j => j.Id);
        Assert.All(claimed, c =>
        {
            Assert.Equal(JobStatus.Running, rows[c.Job].Status);
            Assert.Equal(c.Worker, rows[c.Job].WorkerId);
            Assert.Equal(1, rows[c.Job].Attempts);
        });
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task ClaimsAreFairBetweenUsersWhicheverWorkerAsks(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, "alice", "bob", "carol");
        var a1 = await AddJobAsync(database, "alice");
        var a2 = await AddJobAsync(database, "alice");
        var a3 = await AddJobAsync(database, "alice");
        var b1 = await AddJobAsync(database, "bob");
        var b2 = await AddJobAsync(database, "bob");
        var b3 = await AddJobAsync(database, "bob");
        var c1 = await AddJobAsync(database, "carol");
        var claims = Claims(database);

        var order = new List<Guid>();
        for (var i = 0; i < 7; i++)
        {
            _clock.Now = _clock.Now.AddSeconds(1);
            order.Add((await claims.ClaimNextAsync(i % 2 == 0 ? "worker-1" : "worker-2", AllModels, CancellationToken.None))!.JobId);
        }

        // Round-robin as the single-box queue orders them: everyone's first job, then everyone's second, …
        Assert.Equal([a1, b1, c1, a2, b2, a3, b3], order);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task ALateSubmitterIsServedBeforeTheBusyUsersNextJob(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, "alice", "bob");
        var a1 = await AddJobAsync(database, "alice");
        var a2 = await AddJobAsync(database, "alice");
        var a3 = await AddJobAsync(database, "alice");
        var claims = Claims(database);
        Assert.Equal(a1, (await claims.ClaimNextAsync("worker-1", AllModels, CancellationToken.None))!.JobId);

        _clock.Now = _clock.Now.AddSeconds(1);
        var b1 = await AddJobAsync(database, "bob");

        Assert.Equal(b1, (await claims.ClaimNextAsync("worker-2", AllModels, CancellationToken.None))!.JobId);
        _clock.Now = _clock.Now.AddSeconds(1);
        Assert.Equal(a2, (await claims.ClaimNextAsync("worker-1", AllModels, CancellationToken.None))!.JobId);
        Assert.Equal(a3, (await claims.ClaimNextAsync("worker-2", AllModels, CancellationToken.None))!.JobId);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task AJobGoesOnlyToAWorkerThatHasItsModel(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, "alice", "bob");
        var forA = await AddJobAsync(database, "alice", "model-a");
        var forB = await AddJobAsync(database, "bob", "model-b");
        var claims = Claims(database);

        Assert.Null(await claims.ClaimNextAsync("worker-c", ["model-c"], CancellationToken.None));
        var claimB = await claims.ClaimNextAsync("worker-b", ["model-b"], CancellationToken.None);
        Assert.Equal((forB, "model-b"), (claimB!.JobId, claimB.ModelName));
        Assert.Null(await claims.ClaimNextAsync("worker-b", ["model-b"], CancellationToken.None));
        Assert.Equal(forA, (await claims.ClaimNextAsync("worker-ab", AllModels, CancellationToken.None))!.JobId);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task AnExpiredLeasePutsTheJobBackWithItsSavedImagesAndTheOldWorkerLosesIt(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, "alice", "bob");
        var id = await AddJobAsync(database, "alice");
        var claims = Claims(database);
        var claim = await claims.ClaimNextAsync("worker-1", AllModels, CancellationToken.None);
        Assert.Equal(_clock.Now.UtcDateTime + ClaimSettings.Default.Lease, claim!.LeaseExpiresAt);
        var saved = await AddImageAsync(database, id);

        _clock.Now = _clock.Now.AddSeconds(59);
        Assert.Empty(await claims.RequeueExpiredAsync(CancellationToken.None));
        _clock.Now = _clock.Now.AddSeconds(2);
        var expired = Assert.Single(await claims.RequeueExpiredAsync(CancellationToken.None));

        Assert.Equal(new ExpiredLease(id, "alice", JobStatus.Queued, null), expired);
        await using (var db = database.CreateDbContext())
        {
            var job = await db.Jobs.AsNoTracking().SingleAsync(j => j.Id == id);
            Assert.Equal((JobStatus.Queued, null, null, null), (job.Status, job.WorkerId, job.LeaseExpiresAt, job.StartedAt));
            Assert.Equal([saved], await db.Images.Where(i => i.JobId == id).Select(i => i.Id).ToListAsync());
        }
        Assert.False(await claims.RenewAsync(id, "worker-1", CancellationToken.None));
        var again = await claims.ClaimNextAsync("worker-2", AllModels, CancellationToken.None);
        Assert.Equal(id, again!.JobId);
        Assert.Equal(2, (await JobAsync(database, id)).Attempts);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task ARenewedLeaseDoesNotExpire(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, "alice", "bob");
        var id = await AddJobAsync(database, "alice");
        var claims = Claims(database);
        await claims.ClaimNextAsync("worker-1", AllModels, CancellationToken.None);

        _clock.Now = _clock.Now.AddSeconds(40);
        Assert.True(await claims.RenewAsync(id, "worker-1", CancellationToken.None));
        Assert.False(await claims.RenewAsync(id, "worker-2", CancellationToken.None));
        _clock.Now = _clock.Now.AddSeconds(40);

        Assert.Empty(await claims.RequeueExpiredAsync(CancellationToken.None));
        Assert.Equal(JobStatus.Running, (await JobAsync(database, id)).Status);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task AJobInterruptedMaxAttemptsTimesFailsWithItsReason(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, "alice", "bob");
        var id = await AddJobAsync(database, "alice");
        var claims = Claims(database);
        for (var attempt = 1; attempt < ClaimSettings.Default.MaxAttempts; attempt++)
        {
            await claims.ClaimNextAsync($"worker-{attempt}", AllModels, CancellationToken.None);
            _clock.Now = _clock.Now.AddMinutes(2);
            Assert.Equal(JobStatus.Queued, Assert.Single(await claims.RequeueExpiredAsync(CancellationToken.None)).Status);
        }
        await claims.ClaimNextAsync("worker-last", AllModels, CancellationToken.None);
        _clock.Now = _clock.Now.AddMinutes(2);

        var failed = Assert.Single(await claims.RequeueExpiredAsync(CancellationToken.None));

        Assert.Equal(new ExpiredLease(id, "alice", JobStatus.Failed, JobClaims.WorkersStopped), failed);
        var job = await JobAsync(database, id);
        Assert.Equal((JobStatus.Failed, JobClaims.WorkersStopped, _clock.Now.UtcDateTime), (job.Status, job.Error, job.FinishedAt));
        Assert.Null(await claims.ClaimNextAsync("worker-next", AllModels, CancellationToken.None));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task AStoppingWorkerGivesItsJobBackWithoutSpendingAnAttempt(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, "alice", "bob");
        var id = await AddJobAsync(database, "alice");
        var claims = Claims(database);
        await claims.ClaimNextAsync("worker-1", AllModels, CancellationToken.None);

        Assert.False(await claims.ReleaseAsync(id, "worker-2", CancellationToken.None));
        Assert.True(await claims.ReleaseAsync(id, "worker-1", CancellationToken.None));

        var job = await JobAsync(database, id);
        Assert.Equal((JobStatus.Queued, 0, null), (job.Status, job.Attempts, job.WorkerId));
    }

    private JobClaims Claims(TestDatabase database) => new(database, ClaimSettings.Default, _clock);

    private static async Task<Guid> AddJobAsync(TestDatabase database, string user, string model = "model-a")
    {
        await using var db = database.CreateDbContext();
        var job = new GenerationJob { UserId = user, Prompt = "a red fox", Sampler = "euler_a", Steps = 2, Width = 64, Height = 64, ModelName = model, Seed = 7 };
        db.Jobs.Add(job);
        await db.SaveChangesAsync();
        return job.Id;
    }

    private static async Task<Guid> AddImageAsync(TestDatabase database, Guid jobId)
    {
        await using var db = database.CreateDbContext();
        var image = new ImageRecord
        {
            JobId = jobId, UserId = "alice", Prompt = "a red fox", Sampler = "euler_a", ModelName = "model-a", Seed = 7,
            FilePath = "images/a.png", ThumbPath = "thumbs/a.webp",
        };
        db.Images.Add(image);
        await db.SaveChangesAsync();
        return image.Id;
    }

    private static async Task<GenerationJob> JobAsync(TestDatabase database, Guid id)
    {
        await using var db = database.CreateDbContext();
        return await db.Jobs.AsNoTracking().SingleAsync(j => j.Id == id);
    }
}
