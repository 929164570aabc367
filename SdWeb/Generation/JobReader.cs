using Microsoft.EntityFrameworkCore;
using SdWeb.Data;

namespace SdWeb.Generation;

/// <summary>A job's current state for its owner or an admin: the stored row plus the live update while it is in progress.</summary>
public sealed class JobReader(IDbContextFactory<AppDbContext> dbFactory, JobNotifier notifier)
{
    public async Task<(JobView? View, bool Forbidden)> ReadAsync(Guid jobId, JobAccess access, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var job = await db.Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == jobId, cancellationToken);
        if (job is null) return (null, false);
        if (!access.MaySee(job.UserId)) return (null, true);
        var imageIds = await db.Images.Where(i => i.JobId == jobId).OrderBy(i => i.Seed).Select(i => i.Id).ToListAsync(cancellationToken);
        return (JobView.From(job, imageIds, notifier.Latest(jobId)), false);
    }

    /// <summary>Retry: the parameters of a job the user may see, as a new request; null when it is gone or not theirs.</summary>
    public async Task<JobRequest?> RequestAsync(Guid jobId, JobAccess access, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var job = await db.Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == jobId, cancellationToken);
        return job is not null && access.MaySee(job.UserId) ? JobRequests.FromJob(job) : null;
    }

    /// <summary>The user's queued and running jobs, newest first, each with its latest update.</summary>
    public async Task<IReadOnlyList<(Guid Id, string Prompt, JobUpdate Update)>> UnfinishedAsync(string userId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var jobs = await db.Jobs.AsNoTracking()
            .Where(j => j.UserId == userId && (j.Status == JobStatus.Queued || j.Status == JobStatus.Running))
            .OrderByDescending(j => j.Sequence).Select(j => new { j.Id, j.Prompt, j.Status }).ToListAsync(cancellationToken);
        return jobs.Select(j => (j.Id, j.Prompt, notifier.Latest(j.Id) ?? new JobUpdate(j.Id, userId, j.Status))).ToList();
    }
}
