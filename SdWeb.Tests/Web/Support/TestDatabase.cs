using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using SdWeb.Data;
using SdWeb.Tests.Support;

namespace SdWeb.Tests.Web.Support;

/// <summary>A real, migrated SQLite file in a temp folder, with two users (alice, bob) to own jobs.</summary>
public sealed class TestDatabase : IDbContextFactory<AppDbContext>, IDisposable
{
    public TempDir Dir { get; } = new();
    private readonly DbContextOptions<AppDbContext> _options;

    private TestDatabase()
    {
        _options = new DbContextOptionsBuilder<AppDbContext>().UseSqlite($"Data Source={Dir["sdweb.db"]}").Options;
    }

    public static async Task<TestDatabase> CreateAsync(params string[] users)
    {
        var database = new TestDatabase();
        await using var db = database.CreateDbContext();
        await DatabaseInitializer.MigrateAsync(db);
        foreach (var user in users.DefaultIfEmpty("alice").Concat(["bob"]).Distinct())
            db.Users.Add(new AppUser { Id = user, UserName = user, NormalizedUserName = user.ToUpperInvariant() });
        await db.SaveChangesAsync();
        return database;
    }

    public AppDbContext CreateDbContext() => new(_options);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Dir.Dispose();
    }
}
