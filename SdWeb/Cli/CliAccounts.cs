using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using SdWeb.Auth;
using SdWeb.Data;
using SdWeb.Options;

namespace SdWeb.Cli;

/// <summary>
/// The app's database and account services without the web host, for the verbs that set up a server without a
/// browser (`users add`, `apikeys create`). The database is migrated first, as the app does when it starts.
/// </summary>
public static class CliAccounts
{
    public static readonly CliOption DataDir = new("SdWeb:DataDir", "DIR", "the app's data folder (default: as the app takes it, ./data)");

    public static async Task<ServiceProvider> OpenAsync(CliArgs args, CancellationToken cancellationToken)
    {
        var options = new SdWebOptions { DataDir = args.Get(DataDir.Name) ?? new SdWebOptions().DataDir };
        Directory.CreateDirectory(options.DataPath);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(options);
        services.AddSdWebData();
        services.AddIdentityCore<AppUser>(AuthServiceCollectionExtensions.IdentityRules).AddEntityFrameworkStores<AppDbContext>();
        services.AddScoped<AccountService>();
        services.AddSingleton<ApiKeyService>();
        var provider = services.BuildServiceProvider();
        await using var scope = provider.CreateAsyncScope();
        await DatabaseInitializer.MigrateAsync(scope.ServiceProvider.GetRequiredService<AppDbContext>(), cancellationToken);
        return provider;
    }
}
