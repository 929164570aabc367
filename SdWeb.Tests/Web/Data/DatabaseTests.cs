using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using SdWeb.Data;
using SdWeb.Options;
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
    public async Task PostgresMigrationsCreateEveryTableAndTheGeneratedSearchColumnWithItsGinIndex()
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        await using var db = database.CreateDbContext();
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());

        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await connection.OpenAsync();
        var tables = await Strings(connection, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'");
        Assert.Superset(new HashSet<string> { "AspNetUsers", "Jobs", "Images", "Invites", "ApiKeys", "Workers" }, tables.ToHashSet());
        var generated = await Strings(connection,
            "SELECT is_generated FROM information_schema.columns WHERE table_name = 'Images' AND column_name = 'SearchVector'");
        Assert.Equal(["ALWAYS"], generated);
        var index = await Strings(connection, "SELECT indexdef FROM pg_indexes WHERE indexname = 'IX_Images_SearchVector'");
        Assert.Contains("USING gin", Assert.Single(index), StringComparison.Ordinal);
    }

    private static async Task<List<string>> Strings(NpgsqlConnection connection, string sql)
    {
        var values = new List<string>();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) values.Add(reader.GetString(0));
        return values;
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task JobsGetIncreasingUniqueSequenceNumbersAcrossContexts(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider);
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

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task TimesComeBackAsUtc(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider);
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
