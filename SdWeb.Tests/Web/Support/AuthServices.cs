using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SdWeb.Auth;
using SdWeb.Data;
using SdWeb.Options;
using SdWeb.Tests.Support;

namespace SdWeb.Tests.Web.Support;

/// <summary>The app's Identity and account services (as <c>AddSdWebAuth</c> registers them) on a real, migrated SQLite file.</summary>
public sealed class AuthServices : IAsyncDisposable
{
    private readonly TempDir _dir = new();
    private readonly ServiceProvider _services;

    public SettableClock Clock { get; } = new(new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero));

    private AuthServices()
    {
        var options = new SdWebOptions { DataDir = _dir.Path };
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton(options)
            .AddSingleton<TimeProvider>(Clock);
        services.AddDbContextFactory<AppDbContext>(db => db.UseSqlite(DataServiceCollectionExtensions.ConnectionString(options)));
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContext());
        services.AddSdWebAuth();
        _services = services.BuildServiceProvider();
    }

    public static async Task<AuthServices> CreateAsync()
    {
        var auth = new AuthServices();
        await using var db = await auth._services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        await DatabaseInitializer.MigrateAsync(db);
        return auth;
    }

    /// <summary>Runs <paramref name="act"/> in a scope of its own, as one request would.</summary>
    public async Task<T> InScope<T>(Func<IServiceProvider, Task<T>> act)
    {
        await using var scope = _services.CreateAsyncScope();
        return await act(scope.ServiceProvider);
    }

    public AsyncServiceScope CreateScope() => _services.CreateAsyncScope();

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}
