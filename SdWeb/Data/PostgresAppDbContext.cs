using Microsoft.EntityFrameworkCore;

namespace SdWeb.Data;

/// <summary>
/// The app's model on PostgreSQL, as its own context type so it keeps its own migrations (Migrations/Postgres). Job
/// sequence numbers come from the database's identity sequence (several machines submit at once), taken before the
/// insert so jobs saved together keep the order they were added in; the full-text index is a generated tsvector column
/// (<see cref="PostgresImageSearch"/>).
/// </summary>
public sealed class PostgresAppDbContext(DbContextOptions<PostgresAppDbContext> options) : AppDbContext(options)
{
    protected override void ConfigureProvider(ModelBuilder builder) =>
        builder.Entity<GenerationJob>().Property(j => j.Sequence).UseIdentityByDefaultColumn();

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        var jobs = NewJobs().ToList();
        if (jobs.Count > 0) Assign(jobs, NextSequences(jobs.Count).ToList());
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        var jobs = NewJobs().ToList();
        if (jobs.Count > 0) Assign(jobs, await NextSequences(jobs.Count).ToListAsync(cancellationToken));
        return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    private IQueryable<long> NextSequences(int count) => Database.SqlQuery<long>(
        $"SELECT nextval(pg_get_serial_sequence('\"Jobs\"', 'Sequence')) AS \"Value\" FROM generate_series(1, {count})");

    private static void Assign(List<GenerationJob> jobs, List<long> sequences)
    {
        sequences.Sort();
        for (var i = 0; i < jobs.Count; i++) jobs[i].Sequence = sequences[i];
    }
}
