using Microsoft.EntityFrameworkCore;
using SdWeb.Options;

namespace SdWeb.Data;

/// <summary>
/// Creates the data folder, applies migrations (each provider its own set), gives older images their search words and
/// switches a SQLite database to WAL before anything else runs.
/// </summary>
public static class DatabaseInitializer
{
    public static async Task InitializeSdWebDataAsync(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<SdWebOptions>();
        Directory.CreateDirectory(options.DataPath);
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        await MigrateAsync(db);
        app.Logger.LogInformation("Data in {DataDir}, database {Database}", options.DataPath, options.Database);
    }

    public static async Task MigrateAsync(AppDbContext db, CancellationToken cancellationToken = default)
    {
        await db.Database.MigrateAsync(cancellationToken);
        await ImageSearchText.BackfillAsync(db, cancellationToken);
        if (!db.Database.IsSqlite()) return;
        // WAL lets the gallery read while the worker writes; the mode is stored in the file, so once is enough, but it is cheap.
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
    }
}
