using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using SdWeb.Data;
using SdWeb.Options;
using SdWeb.Tests.Support;

namespace SdWeb.Tests.Web.Support;

/// <summary>
/// A real, migrated database with two users (alice, bob) to own jobs: a SQLite file in a temp folder, or a fresh
/// database on the test PostgreSQL server (<see cref="TestPostgres"/>) or another one, dropped on dispose. The temp
/// folder is there for images either way.
/// </summary>
public sealed class TestDatabase : IDbContextFactory<AppDbContext>, IDisposable
{
    private readonly Func<AppDbContext> _create;
    private readonly string? _postgresName;
    private readonly string _postgresServer;

    public TempDir Dir { get; } = new();
    public DatabaseProvider Provider { get; }

    /// <summary>This database's PostgreSQL connection string, for app and worker processes (null on SQLite).</summary>
    public string? PostgresConnection => _postgresName is { } name ? On(name) : null;

    private TestDatabase(DatabaseProvider provider, string? postgresServer)
    {
        Provider = provider;
        _postgresServer = postgresServer ?? (provider == DatabaseProvider.Postgres ? TestPostgres.AdminConnection : "");
        if (provider == DatabaseProvider.Postgres)
        {
            _postgresName = $"sdweb_test_{Guid.NewGuid():N}";
            var options = new DbContextOptionsBuilder<PostgresAppDbContext>().UseNpgsql(On(_postgresName)).Options;
            _create = () => new PostgresAppDbContext(options);
        }
        else
        {
            var options = new DbContextOptionsBuilder<AppDbContext>().UseSqlite($"Data Source={Dir["sdweb.db"]}").Options;
            _create = () => new AppDbContext(options);
        }
    }

    public static Task<TestDatabase> CreateAsync(params string[] users) => CreateAsync(DatabaseProvider.Sqlite, users);

    public static Task<TestDatabase> CreateAsync(DatabaseProvider provider, params string[] users) => CreateOnServerAsync(provider, null, users);

    /// <summary>A database on the PostgreSQL server of <paramref name="adminConnection"/> (a user who may create databases).</summary>
    public static Task<TestDatabase> CreateOnAsync(string adminConnection, params string[] users) =>
        CreateOnServerAsync(DatabaseProvider.Postgres, adminConnection, users);

    private static async Task<TestDatabase> CreateOnServerAsync(DatabaseProvider provider, string? postgresServer, string[] users)
    {
        var database = new TestDatabase(provider, postgresServer);
        if (database._postgresName is { } name) await database.AdminAsync($"CREATE DATABASE \"{name}\"");
        await using var db = database.CreateDbContext();
        await DatabaseInitializer.MigrateAsync(db);
        foreach (var user in users.DefaultIfEmpty("alice").Concat(["bob"]).Distinct())
            db.Users.Add(new AppUser { Id = user, UserName = user, NormalizedUserName = user.ToUpperInvariant() });
        await db.SaveChangesAsync();
        return database;
    }

    public AppDbContext CreateDbContext() => _create();

    /// <summary>The app's settings that point it at this database, as command-line arguments.</summary>
    public IReadOnlyList<string> AppArguments => _postgresName is { } name
        ? ["--SdWeb:Database=postgres", $"--SdWeb:PostgresConnection={On(name)}"]
        : [$"--SdWeb:DataDir={Dir.Path}"];

    public void Dispose()
    {
        if (_postgresName is { } name)
        {
            NpgsqlConnection.ClearAllPools();
            AdminAsync($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)").GetAwaiter().GetResult();
        }
        else
        {
            SqliteConnection.ClearAllPools();
        }
        Dir.Dispose();
    }

    private string On(string database) => new NpgsqlConnectionStringBuilder(_postgresServer) { Database = database }.ConnectionString;

    private async Task AdminAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_postgresServer);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
