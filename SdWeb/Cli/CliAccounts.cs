using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SdWeb.Auth;
using SdWeb.Data;
using SdWeb.Options;

namespace SdWeb.Cli;

/// <summary>
/// The app's database and account services without the web host, for the verbs that set up a server without a
/// browser (`users add`, `apikeys create`). Settings come as the app takes them — appsettings.json, <c>SdWeb__*</c>
/// environment variables, then the command line — so on a scaled-out install (<c>SdWeb__Database=postgres</c>) the
/// account lands in the shared PostgreSQL database, not in a SQLite file no node reads. The database is migrated first,
/// as the app does when it starts.
/// </summary>
public static class CliAccounts
{
    public static readonly CliOption DataDir = new("SdWeb:DataDir", "DIR", "the app's data folder (default: as the app takes it, ./data)");

    private static readonly CliOption Database = new("SdWeb:Database", "sqlite|postgres", "the database, as the app takes it (default: sqlite)");

    private static readonly CliOption PostgresConnection = new("SdWeb:PostgresConnection", "TEXT", "the PostgreSQL connection string, with --SdWeb:Database=postgres");

    /// <summary>The options of every verb that opens the accounts.</summary>
    public static readonly IReadOnlyList<CliOption> Options = [DataDir, Database, PostgresConnection];

    public static async Task<ServiceProvider> OpenAsync(CliArgs args, CancellationToken cancellationToken)
    {
        var configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .AddInMemoryCollection(Options.Select(o => KeyValuePair.Create(o.Name, args.Get(o.Name))).Where(kv => kv.Value is not null))
            .Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSdWebOptions(configuration);
        services.AddSdWebData(configuration);
        services.AddIdentityCore<AppUser>(AuthServiceCollectionExtensions.IdentityRules).AddEntityFrameworkStores<AppDbContext>();
        services.AddScoped<AccountService>();
        services.AddSingleton<ApiKeyService>();
        var provider = services.BuildServiceProvider();
        var options = Validated(provider);
        if (options.Database == DatabaseProvider.Sqlite) Directory.CreateDirectory(options.DataPath);
        await using var scope = provider.CreateAsyncScope();
        await DatabaseInitializer.MigrateAsync(scope.ServiceProvider.GetRequiredService<AppDbContext>(), cancellationToken);
        return provider;
    }

    /// <summary>The settings, or the app's own message for what is wrong with them (e.g. postgres without a connection string).</summary>
    private static SdWebOptions Validated(ServiceProvider provider)
    {
        try
        {
            return provider.GetRequiredService<SdWebOptions>();
        }
        catch (OptionsValidationException e)
        {
            throw new CliUsageException(string.Join(" ", e.Failures));
        }
    }
}
