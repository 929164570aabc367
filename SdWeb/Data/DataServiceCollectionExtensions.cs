using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SdWeb.Options;

namespace SdWeb.Data;

public static class DataServiceCollectionExtensions
{
    /// <summary>
    /// A pooled <see cref="AppDbContext"/> factory (Blazor components and background services create short-lived contexts)
    /// plus a scoped context for Identity and endpoints, both on {DataDir}/sdweb.db.
    /// </summary>
    public static IServiceCollection AddSdWebData(this IServiceCollection services)
    {
        services.AddDbContextFactory<AppDbContext>((sp, db) =>
            db.UseSqlite(ConnectionString(sp.GetRequiredService<SdWebOptions>())));
        services.TryAddSingleton(TimeProvider.System);
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContext());
        return services;
    }

    public static string ConnectionString(SdWebOptions options) => $"Data Source={options.DatabasePath}";
}
