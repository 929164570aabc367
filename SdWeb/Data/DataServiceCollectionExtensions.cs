using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SdWeb.Options;

namespace SdWeb.Data;

public static class DataServiceCollectionExtensions
{
    /// <summary>
    /// An <see cref="AppDbContext"/> factory (Blazor components and background services create short-lived contexts) plus
    /// a scoped context for Identity and endpoints, on {DataDir}/sdweb.db or, with <c>SdWeb:Database=postgres</c>, on
    /// the PostgreSQL server of <c>SdWeb:PostgresConnection</c>. Everything else asks for <see cref="AppDbContext"/>.
    /// </summary>
    public static IServiceCollection AddSdWebData(this IServiceCollection services, IConfiguration configuration) =>
        services.AddSdWebData(configuration.GetValue($"{SdWebOptions.Section}:{nameof(SdWebOptions.Database)}", DatabaseProvider.Sqlite));

    public static IServiceCollection AddSdWebData(this IServiceCollection services, DatabaseProvider provider = DatabaseProvider.Sqlite)
    {
        if (provider == DatabaseProvider.Postgres)
        {
            services.AddDbContextFactory<PostgresAppDbContext>((sp, db) =>
                db.UseNpgsql(sp.GetRequiredService<SdWebOptions>().PostgresConnection, PostgresRetry.Configure));
            services.AddSingleton<IDbContextFactory<AppDbContext>, ProviderDbContextFactory<PostgresAppDbContext>>();
        }
        else
        {
            services.AddDbContextFactory<AppDbContext>((sp, db) =>
                db.UseSqlite(ConnectionString(sp.GetRequiredService<SdWebOptions>())));
        }
        services.TryAddSingleton(TimeProvider.System);
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContext());
        return services;
    }

    public static string ConnectionString(SdWebOptions options) => $"Data Source={options.DatabasePath}";
}
