using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SdWeb.Data;
using SdWeb.Options;

namespace SdWeb.Scaling.Capacity;

/// <summary>
/// A new, migrated database on a PostgreSQL server, reached through the app's own data services, and dropped on dispose:
/// each simulation run starts from an empty queue and leaves nothing behind.
/// </summary>
internal sealed class ScratchDatabase : IAsyncDisposable
{
    private readonly string _serverConnection;
    private readonly string _name;
    private readonly string _connection;
    private readonly ServiceProvider _services;

    private ScratchDatabase(string serverConnection, string name)
    {
        _serverConnection = serverConnection;
        _name = name;
        _connection = new NpgsqlConnectionStringBuilder(serverConnection) { Database = name }.ConnectionString;
        _services = new ServiceCollection()
            .AddSingleton(new SdWebOptions { Database = DatabaseProvider.Postgres, PostgresConnection = _connection })
            .AddSdWebData(DatabaseProvider.Postgres)
            .BuildServiceProvider();
    }

    public IDbContextFactory<AppDbContext> Factory => _services.GetRequiredService<IDbContextFactory<AppDbContext>>();

    /// <param name="serverConnection">A connection string as a user who may create databases (its database is only used to create and drop).</param>
    public static async Task<ScratchDatabase> CreateAsync(string serverConnection, CancellationToken cancellationToken)
    {
        var name = $"sdweb_capacity_{Guid.NewGuid():N}";
        await ServerAsync(serverConnection, $"CREATE DATABASE \"{name}\"", cancellationToken);
        var database = new ScratchDatabase(serverConnection, name);
        try
        {
            await using var db = await database.Factory.CreateDbContextAsync(cancellationToken);
            await DatabaseInitializer.MigrateAsync(db, cancellationToken);
            return database;
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await using (var pooled = new NpgsqlConnection(_connection)) NpgsqlConnection.ClearPool(pooled);
        await ServerAsync(_serverConnection, $"DROP DATABASE IF EXISTS \"{_name}\" WITH (FORCE)", CancellationToken.None);
    }

    private static async Task ServerAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
