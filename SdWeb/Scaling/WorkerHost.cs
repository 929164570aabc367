using Microsoft.EntityFrameworkCore;
using SdWeb.Data;
using SdWeb.Generation;
using SdWeb.Options;
using SdWeb.Storage;

namespace SdWeb.Scaling;

/// <summary>
/// `SdWeb worker [--SdWeb:Device=cuda:1 …]`: the generation worker without the web UI, one process per GPU, with the
/// app's settings (appsettings, SdWeb__* variables, --SdWeb:Key=value) and its progress relayed through Redis when
/// SdWeb:Redis is set.
/// </summary>
public static class WorkerHost
{
    public const string Verb = "worker";

    public static async Task<int> RunAsync(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        // A worker process exists to run the engine, whatever the shared settings say about web nodes.
        builder.Configuration[$"{SdWebOptions.Section}:{nameof(SdWebOptions.Worker)}:{nameof(WorkerOptions.Enabled)}"] = "true";
        builder.Services.AddSdWebOptions(builder.Configuration);
        builder.Services.AddSdWebData(builder.Configuration);
        builder.Services.AddSdWebStorage();
        builder.Services.AddSdWebGeneration(builder.Configuration, servesPages: false);
        builder.Services.AddSdWebRedisProgress(builder.Configuration);

        using var host = builder.Build();
        var options = host.Services.GetRequiredService<SdWebOptions>();
        Directory.CreateDirectory(options.DataPath);
        await using (var db = await host.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
            await DatabaseInitializer.MigrateAsync(db);
        await host.Services.GetRequiredService<StorageSweep>().RunAsync();
        await host.RunAsync();
        return 0;
    }
}
