using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SdWeb.Data;

namespace SdWeb.Generation;

/// <summary>
/// The jobs table as a queue shared by workers on any number of machines. A worker claims the next job for one of its
/// models in one statement, fair between users as <see cref="JobQueue"/> is: a user's n-th waiting job is in their n-th
/// turn; within a turn the user served longest ago goes first, then submission order. On PostgreSQL the candidate row is
/// locked with FOR UPDATE SKIP LOCKED, so racing workers never take the same job and never wait for each other; SQLite
/// runs the same statement under its single write lock. A claim is a lease: the worker renews it while it runs the job,
/// and a job whose lease ran out (its worker died) waits again with its saved images, or fails after
/// <see cref="ClaimSettings.MaxAttempts"/> starts.
/// </summary>
public sealed class JobClaims(IDbContextFactory<AppDbContext> dbFactory, ClaimSettings settings, TimeProvider time)
{
    public const string WorkersStopped =
        "The workers running this job stopped answering too often, so it was not tried again. Submit it again, perhaps with a smaller size or fewer steps.";

    /// <summary>Claims the next job for one of <paramref name="models"/>, or returns null when none waits.</summary>
    public async Task<JobClaim?> ClaimNextAsync(string workerId, IReadOnlyCollection<string> models, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var leaseExpiresAt = Now() + settings.Lease;
        var postgres = db is PostgresAppDbContext;
        object modelList = postgres ? models.ToArray() : JsonSerializer.Serialize(models);
        var claimed = await db.Database
            .SqlQueryRaw<Guid>(postgres ? PostgresClaimSql : SqliteClaimSql, modelList, workerId, leaseExpiresAt)
            .ToListAsync(cancellationToken);
        if (claimed.Count == 0) return null;
        var job = await db.Jobs.AsNoTracking().Where(j => j.Id == claimed[0])
            .Select(j => new JobClaim(j.Id, j.UserId, j.ModelName, leaseExpiresAt))
            .SingleAsync(cancellationToken);
        return job;
    }

    /// <summary>Extends the lease of a job this worker runs; false when the lease was lost (the job is no longer its to finish).</summary>
    public async Task<bool> RenewAsync(Guid jobId, string workerId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var until = Now() + settings.Lease;
        return await HeldBy(db, jobId, workerId)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.LeaseExpiresAt, until), cancellationToken) == 1;
    }

    /// <summary>Gives a claimed job back to the queue without counting the start (the worker is stopping, not failing).</summary>
    public async Task<bool> ReleaseAsync(Guid jobId, string workerId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await HeldBy(db, jobId, workerId).ExecuteUpdateAsync(s => s
            .SetProperty(j => j.Status, JobStatus.Queued)
            .SetProperty(j => j.StartedAt, (DateTime?)null)
            .SetProperty(j => j.WorkerId, (string?)null)
            .SetProperty(j => j.LeaseExpiresAt, (DateTime?)null)
            .SetProperty(j => j.Attempts, j => j.Attempts - 1), cancellationToken) == 1;
    }

    /// <summary>
    /// Puts every job whose lease ran out back in the queue (its saved images stay; the next run makes only the missing
    /// ones), or fails it when it has been started <see cref="ClaimSettings.MaxAttempts"/> times. Any node may sweep:
    /// each job changes once, whoever sweeps first.
    /// </summary>
    public async Task<IReadOnlyList<ExpiredLease>> RequeueExpiredAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = Now();
        var expired = await Expired(db, now).Select(j => new { j.Id, j.UserId, j.Attempts }).ToListAsync(cancellationToken);
        var changed = new List<ExpiredLease>();
        foreach (var job in expired)
        {
            var still = Expired(db, now).Where(j => j.Id == job.Id);
            var done = job.Attempts >= settings.MaxAttempts
                ? await still.ExecuteUpdateAsync(s => s
                    .SetProperty(j => j.Status, JobStatus.Failed)
                    .SetProperty(j => j.Error, WorkersStopped)
                    .SetProperty(j => j.FinishedAt, now)
                    .SetProperty(j => j.WorkerId, (string?)null)
                    .SetProperty(j => j.LeaseExpiresAt, (DateTime?)null), cancellationToken)
                : await still.ExecuteUpdateAsync(s => s
                    .SetProperty(j => j.Status, JobStatus.Queued)
                    .SetProperty(j => j.StartedAt, (DateTime?)null)
                    .SetProperty(j => j.WorkerId, (string?)null)
                    .SetProperty(j => j.LeaseExpiresAt, (DateTime?)null), cancellationToken);
            if (done == 1)
            {
                changed.Add(job.Attempts >= settings.MaxAttempts
                    ? new ExpiredLease(job.Id, job.UserId, JobStatus.Failed, WorkersStopped)
                    : new ExpiredLease(job.Id, job.UserId, JobStatus.Queued, null));
            }
        }
        return changed;
    }

    /// <summary>
    /// Records how a job this worker ran ended, only while it still holds the lease: a worker cut off long enough for
    /// another to take the job over cannot complete it too. False when the lease was lost (nothing is recorded).
    /// </summary>
    public async Task<bool> FinishAsync(Guid jobId, string workerId, JobStatus status, string? error, string? plotGridPath, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = Now();
        return await HeldBy(db, jobId, workerId).ExecuteUpdateAsync(s => s
            .SetProperty(j => j.Status, status)
            .SetProperty(j => j.Error, error)
            .SetProperty(j => j.FinishedAt, now)
            .SetProperty(j => j.PlotGridPath, plotGridPath)
            .SetProperty(j => j.LeaseExpiresAt, (DateTime?)null), cancellationToken) == 1;
    }

    /// <summary>What the worker running a job should do now: go on, stop because someone cancelled it, or stop because it is no longer its job.</summary>
    public async Task<LeaseState> CheckAsync(Guid jobId, string workerId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var row = await db.Jobs.AsNoTracking().Where(j => j.Id == jobId)
            .Select(j => new { j.Status, j.WorkerId, j.CancelRequested }).FirstOrDefaultAsync(cancellationToken);
        if (row is null || row.Status != JobStatus.Running || row.WorkerId != workerId) return LeaseState.Lost;
        return row.CancelRequested ? LeaseState.CancelRequested : LeaseState.Held;
    }

    /// <summary>Asks whichever worker runs the job, in any process, to stop it (its heartbeat reads the flag); false when it is not running.</summary>
    public async Task<bool> RequestCancelAsync(Guid jobId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Jobs.Where(j => j.Id == jobId && j.Status == JobStatus.Running)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.CancelRequested, true), cancellationToken) == 1;
    }

    /// <summary>The waiting jobs in the order claims take them (for a worker that has every model): the queue positions every node shows.</summary>
    public async Task<IReadOnlyList<QueuedJob>> WaitingAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.Database.SqlQueryRaw<WaitingRow>(WaitingSql).ToListAsync(cancellationToken);
        return rows.Select(r => new QueuedJob(r.Id, r.UserId, r.Sequence)).ToList();
    }

    private static IQueryable<GenerationJob> HeldBy(AppDbContext db, Guid jobId, string workerId) =>
        db.Jobs.Where(j => j.Id == jobId && j.WorkerId == workerId && j.Status == JobStatus.Running);

    private static IQueryable<GenerationJob> Expired(AppDbContext db, DateTime now) =>
        db.Jobs.Where(j => j.Status == JobStatus.Running && j.LeaseExpiresAt != null && j.LeaseExpiresAt < now);

    private DateTime Now() => time.GetUtcNow().UtcDateTime;

    /// <summary>The fair order, shared by the claim and the positions: turn, then the user served longest ago, then submission.</summary>
    private const string FairOrder = """
        w.turn, (SELECT max(s."StartedAt") FROM "Jobs" s WHERE s."UserId" = c."UserId") NULLS FIRST, c."Sequence"
        """;

    // {0} the worker's models, {1} its id, {2} the lease's end. The turn counts only jobs this worker can run. StartedAt
    // is the database's clock as the row is claimed, not the worker's: the order of starts, which "served longest ago"
    // reads, is then the order the claims took their rows, whatever the workers' clocks or delays.
    private const string ClaimSqlHead = $$"""
        WITH waiting AS (
            SELECT "Id", row_number() OVER (PARTITION BY "UserId" ORDER BY "Sequence") AS turn
            FROM "Jobs" WHERE "Status" = 'Queued' AND "ModelName" IN ({MODELS}))
        UPDATE "Jobs" SET "Status" = 'Running', "WorkerId" = {1}, "LeaseExpiresAt" = {2}, "StartedAt" = {NOW}, "Attempts" = "Attempts" + 1
        WHERE "Status" = 'Queued' AND "Id" = (
            SELECT c."Id" FROM "Jobs" c JOIN waiting w ON w."Id" = c."Id"
            WHERE c."Status" = 'Queued'
            ORDER BY {{FairOrder}}
            LIMIT 1 {LOCK})
        RETURNING "Id" AS "Value"
        """;

    private const string WaitingSql = $$"""
        WITH waiting AS (
            SELECT "Id", row_number() OVER (PARTITION BY "UserId" ORDER BY "Sequence") AS turn
            FROM "Jobs" WHERE "Status" = 'Queued')
        SELECT c."Id", c."UserId", c."Sequence" FROM "Jobs" c JOIN waiting w ON w."Id" = c."Id"
        ORDER BY {{FairOrder}}
        """;

    private static readonly string PostgresClaimSql = ClaimSqlHead
        .Replace("{MODELS}", "SELECT unnest({0}::text[])", StringComparison.Ordinal)
        .Replace("{NOW}", "clock_timestamp()", StringComparison.Ordinal)
        .Replace("{LOCK}", "FOR UPDATE OF c SKIP LOCKED", StringComparison.Ordinal);

    private static readonly string SqliteClaimSql = ClaimSqlHead
        .Replace("{MODELS}", "SELECT value FROM json_each({0})", StringComparison.Ordinal)
        .Replace("{NOW}", "strftime('%Y-%m-%d %H:%M:%f', 'now')", StringComparison.Ordinal) // UTC, EF Core's text form
        .Replace("{LOCK}", "", StringComparison.Ordinal);

    private sealed class WaitingRow
    {
        public Guid Id { get; init; }
        public string UserId { get; init; } = "";
        public long Sequence { get; init; }
    }
}
