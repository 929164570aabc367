using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using SdWeb.Data;
using SdWeb.Tests.Web.Support;

namespace SdWeb.Tests.Web.Data;

[Layer(Layer.Web)]
public class DatabaseTests
{
    [Fact]
    public async Task MigrationsCreateEveryTableAndTheFullTextIndexAndLeaveTheFileInWalMode()
    {
        using var database = await TestDatabase.CreateAsync();
        await using var connection = new SqliteConnection($"Data Source={database.Dir["sdweb.db"]}");
        await connection.OpenAsync();

        var tables = new List<string>();
        await using (var command = new SqliteCommand("SELECT name FROM sqlite_master WHERE type = 'table'", connection))
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        Assert.Superset(new HashSet<string> { "AspNetUsers", "Jobs", "Images", "Invites", "ImageSearch" }, tables.ToHashSet());

        await using var mode = new SqliteCommand("PRAGMA journal_mode", connection);
        Assert.Equal("wal", (string?)await mode.ExecuteScalarAsync());

        await using var db = database.CreateDbContext();
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
    }

    [Fact]
    public async Task JobsGetIncreasingUniqueSequenceNumbersAcrossContexts()
    {
        using var database = await TestDatabase.CreateAsync();
        var ids = new List<Guid>();
        for (int i = 0; i < 3; i++)
        {
            await using var db = database.CreateDbContext();
            var first = NewJob();
            var second = NewJob();
            db.Jobs.AddRange(first, second);
            await db.SaveChangesAsync();
            ids.Add(first.Id);
            ids.Add(second.Id);
        }

        await using var read = database.CreateDbContext();
        var sequences = ids.Select(id => read.Jobs.Single(j => j.Id == id).Sequence).ToList();
        Assert.Equal([1, 2, 3, 4, 5, 6], sequences);
    }

    [Fact]
    public async Task TimesComeBackAsUtc()
    {
        using var database = await TestDatabase.CreateAsync();
        var queuedAt = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        await using (var db = database.CreateDbContext())
        {
            var job = NewJob();
            job.QueuedAt = queuedAt;
            db.Jobs.Add(job);
            await db.SaveChangesAsync();
        }
        await using var read = database.CreateDbContext();
        var stored = await read.Jobs.SingleAsync();
        Assert.Equal(DateTimeKind.Utc, stored.QueuedAt.Kind);
        Assert.Equal(queuedAt, stored.QueuedAt);
    }

    private static GenerationJob NewJob() => new() { UserId = "alice", Prompt = "p", Sampler = "euler_a", ModelName = "m", Steps = 1 };
}
