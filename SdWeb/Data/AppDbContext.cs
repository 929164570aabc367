using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using SdWeb.Engine.Pipelines.Hires;

namespace SdWeb.Data;

/// <summary>
/// Identity, the job queue, the gallery and invites. This type is the SQLite context (one file, WAL, under DataDir; its
/// migrations are in Migrations/Sqlite); <see cref="PostgresAppDbContext"/> is the same model on PostgreSQL.
/// </summary>
public class AppDbContext : IdentityDbContext<AppUser>
{
    /// <summary>One writer at a time hands out job sequence numbers (on SQLite this process is the database's only writer).</summary>
    private static readonly SemaphoreSlim SequenceLock = new(1, 1);

    public AppDbContext(DbContextOptions<AppDbContext> options) : base(options) { }

    /// <summary>For a provider's own context type, which keeps its own migrations.</summary>
    protected AppDbContext(DbContextOptions options) : base(options) { }

    public DbSet<GenerationJob> Jobs => Set<GenerationJob>();
    public DbSet<ImageRecord> Images => Set<ImageRecord>();
    public DbSet<Invite> Invites => Set<Invite>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<ApiOption> ApiOptions => Set<ApiOption>();
    public DbSet<PromptStyle> PromptStyles => Set<PromptStyle>();
    public DbSet<WorkerRecord> Workers => Set<WorkerRecord>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);

        builder.Entity<GenerationJob>(job =>
        {
            job.ToTable("Jobs");
            job.Property(j => j.Status).HasConversion<string>().HasMaxLength(16);
            job.HasIndex(j => j.Sequence).IsUnique();
            job.HasIndex(j => new { j.Status, j.Sequence });
            job.HasIndex(j => new { j.UserId, j.StartedAt });
            job.Property(j => j.WorkerId).HasMaxLength(200);
            job.HasOne(j => j.User).WithMany().HasForeignKey(j => j.UserId).OnDelete(DeleteBehavior.Restrict);
            job.Property(j => j.PromptSyntax).HasConversion<string>().HasMaxLength(8);
            JsonColumn(job.Property(j => j.Loras));
            JsonColumn(job.Property(j => j.Embeddings));
            JsonColumn(job.Property(j => j.Styles));
            HiresColumn(job.Property(j => j.Hires));
        });

        builder.Entity<ImageRecord>(image =>
        {
            image.ToTable("Images");
            image.HasIndex(i => i.CreatedAt);
            image.HasIndex(i => i.Seed);
            image.HasIndex(i => i.UserId);
            image.HasIndex(i => i.ModelName);
            image.HasIndex(i => i.JobId);
            image.HasOne(i => i.Job).WithMany(j => j.Images).HasForeignKey(i => i.JobId).OnDelete(DeleteBehavior.SetNull);
            image.HasOne(i => i.User).WithMany().HasForeignKey(i => i.UserId).OnDelete(DeleteBehavior.Restrict);
            image.Property(i => i.PromptSyntax).HasConversion<string>().HasMaxLength(8);
            JsonColumn(image.Property(i => i.Loras));
            JsonColumn(image.Property(i => i.Embeddings));
            HiresColumn(image.Property(i => i.Hires));
        });

        builder.Entity<PromptStyle>(style =>
        {
            style.ToTable("PromptStyles");
            style.Property(s => s.Name).HasMaxLength(PromptStyle.MaxNameLength);
            style.HasIndex(s => s.Name).IsUnique();
        });

        builder.Entity<WorkerRecord>(worker =>
        {
            worker.ToTable("Workers");
            worker.Property(w => w.Id).HasMaxLength(200);
            worker.Property(w => w.Host).HasMaxLength(200);
            worker.Property(w => w.Device).HasMaxLength(32);
            JsonColumn(worker.Property(w => w.Models));
        });

        builder.Entity<Invite>(invite =>
        {
            invite.ToTable("Invites");
            invite.HasKey(i => i.Token);
        });

        builder.Entity<ApiKey>(key =>
        {
            key.ToTable("ApiKeys");
            key.Property(k => k.Label).HasMaxLength(100);
            key.Property(k => k.Prefix).HasMaxLength(16);
            key.HasIndex(k => k.Prefix).IsUnique();
            key.HasIndex(k => k.UserId);
            key.HasOne(k => k.User).WithMany().HasForeignKey(k => k.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<ApiOption>(option =>
        {
            option.ToTable("ApiOptions");
            option.HasKey(o => new { o.UserId, o.Key });
            option.Property(o => o.Key).HasMaxLength(200);
            option.HasOne(o => o.User).WithMany().HasForeignKey(o => o.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        ConfigureProvider(builder);
        UseUtcDateTimes(builder);
    }

    /// <summary>
    /// SQLite: the full-text index is kept in sync by triggers (migration FullTextSearch); declaring them keeps EF off RETURNING.
    /// </summary>
    protected virtual void ConfigureProvider(ModelBuilder builder) => builder.Entity<ImageRecord>().ToTable("Images", t =>
    {
        t.HasTrigger(ImageSearch.InsertTrigger);
        t.HasTrigger(ImageSearch.DeleteTrigger);
        t.HasTrigger(ImageSearch.UpdateTrigger);
    });

    /// <summary>A short list kept with its row as JSON text: read and written whole, never queried item by item.</summary>
    private static void JsonColumn<T>(PropertyBuilder<List<T>> property) => property.HasConversion(
        new ValueConverter<List<T>, string>(
            v => JsonSerializer.Serialize(v, JsonSerializerOptions.Default),
            v => JsonSerializer.Deserialize<List<T>>(v, JsonSerializerOptions.Default) ?? new List<T>()),
        new ValueComparer<List<T>>(
            (a, b) => a!.SequenceEqual(b!),
            v => v.Aggregate(0, (hash, item) => HashCode.Combine(hash, item)),
            v => v.ToList()));

    /// <summary>Upscaler by name, so the stored JSON does not depend on the enum's order.</summary>
    private static readonly JsonSerializerOptions HiresJson = new() { Converters = { new JsonStringEnumConverter() } };

    /// <summary>The hires settings as one JSON text (null = off): read and written whole, like the engine's record.</summary>
    private static void HiresColumn(PropertyBuilder<HiresFix?> property) => property.HasConversion(
        new ValueConverter<HiresFix?, string?>(
            v => JsonSerializer.Serialize(v, HiresJson),
            v => JsonSerializer.Deserialize<HiresFix>(v!, HiresJson)));

    /// <summary>SQLite keeps no DateTimeKind; every time here is written as UTC, so it is read back as UTC (PostgreSQL's timestamptz too).</summary>
    private static void UseUtcDateTimes(ModelBuilder builder)
    {
        var utc = new ValueConverter<DateTime, DateTime>(v => v, v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
        foreach (var property in builder.Model.GetEntityTypes().SelectMany(t => t.GetProperties()))
        {
            if (property.ClrType == typeof(DateTime) || property.ClrType == typeof(DateTime?))
                property.SetValueConverter(utc);
        }
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        WriteSearchTexts();
        if (!HasNewJobs()) return base.SaveChanges(acceptAllChangesOnSuccess);
        SequenceLock.Wait();
        try
        {
            AssignSequences(Jobs.Max(j => (long?)j.Sequence));
            return base.SaveChanges(acceptAllChangesOnSuccess);
        }
        finally { SequenceLock.Release(); }
    }

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        WriteSearchTexts();
        if (!HasNewJobs()) return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        await SequenceLock.WaitAsync(cancellationToken);
        try
        {
            AssignSequences(await Jobs.MaxAsync(j => (long?)j.Sequence, cancellationToken));
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        }
        finally { SequenceLock.Release(); }
    }

    /// <summary>Images about to be inserted or changed get their settings' search words (the full-text index reads them).</summary>
    private void WriteSearchTexts()
    {
        foreach (var entry in ChangeTracker.Entries<ImageRecord>().Where(e => e.State is EntityState.Added or EntityState.Modified))
            entry.Entity.SearchText = ImageSearchText.Of(entry.Entity);
    }

    /// <summary>Jobs about to be inserted that have no sequence number yet, in the order they were added.</summary>
    protected IEnumerable<GenerationJob> NewJobs() =>
        ChangeTracker.Entries<GenerationJob>().Where(e => e.State == EntityState.Added && e.Entity.Sequence == 0).Select(e => e.Entity);

    private bool HasNewJobs() => NewJobs().Any();

    private void AssignSequences(long? highest)
    {
        long next = (highest ?? 0) + 1;
        foreach (var job in NewJobs().ToList()) job.Sequence = next++;
    }
}
