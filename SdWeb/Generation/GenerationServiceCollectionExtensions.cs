using Microsoft.Extensions.DependencyInjection.Extensions;
using SdWeb.Engine.Devices;
using SdWeb.Engine.Networks;
using SdWeb.Engine.Pipelines;
using SdWeb.Engine.Pipelines.Validation;
using SdWeb.Generation.Plots;
using SdWeb.Options;

namespace SdWeb.Generation;

public static class GenerationServiceCollectionExtensions
{
    /// <summary>
    /// The queue, the worker that owns the engine, live progress (the notifier) and job submission. On SQLite the queue
    /// is this process's <see cref="JobQueue"/>; on PostgreSQL it is the jobs table shared by every node and worker
    /// (<see cref="JobClaims"/>). <paramref name="servesPages"/>: this process shows queue positions (a web node).
    /// </summary>
    public static IServiceCollection AddSdWebGeneration(this IServiceCollection services, IConfiguration configuration, bool servesPages = true)
    {
        services.AddSingleton(configuration.GetSection($"{SdWebOptions.Section}:Limits").Get<GenerationLimits>() ?? GenerationLimits.Default);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new JobNotifier(
            sp.GetRequiredService<SdWebOptions>().PreviewsPerSecond, sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<JobNotifier>>()));
        services.AddSingleton<JobQueue>();
        services.AddSingleton<PromptStyleLibrary>();
        services.AddSingleton<QueuePositions>();
        services.AddSingleton<JobCancellations>();
        services.AddSingleton<IModelLibrary, ModelLibrary>();
        services.AddSingleton<DemoModel>();
        services.AddSingleton<VaeLibrary>();
        services.AddSingleton<IPipelineFactory>(sp =>
        {
            var options = sp.GetRequiredService<SdWebOptions>();
            var logger = sp.GetRequiredService<ILogger<PipelineFactory>>();
            return new PipelineFactory(
                new EngineOptions
                {
                    Device = options.Device, DType = options.DType, Threads = options.Threads, Attention = options.Attention,
                    Convolutions = options.Convolutions,
                    CacheDir = options.DataPath,
                    Log = message => logger.LogInformation("{EngineDecision}", message),
                },
                sp.GetRequiredService<GenerationLimits>());
        });
        services.AddSingleton<PipelineHost>();
        services.AddSingleton(sp => NetworkLibrary.InModelsFolder(sp.GetRequiredService<SdWebOptions>().ModelsPath));
        services.AddSingleton<JobNetworks>();
        services.AddSingleton<JobExecutor>();
        services.AddSingleton<SubmissionRateLimiter>();
        services.AddSingleton<JobSubmitter>();
        services.AddSingleton<JobCanceller>();
        services.AddSingleton<JobReader>();
        services.AddSingleton<XyzPlotReader>();
        services.AddSingleton<TokenCounter>();
        services.AddSingleton<ModelTextWidths>();
        // The shared queue's claims and the workers table, for workers on other machines (PostgreSQL).
        services.AddSingleton(configuration.GetSection($"{SdWebOptions.Section}:Claims").Get<ClaimSettings>() ?? ClaimSettings.Default);
        services.AddSingleton<JobClaims>();
        services.AddSingleton<WorkerRegistry>();
        // A web node may leave the engine to `SdWeb worker` processes (SdWeb:Worker:Enabled=false).
        var runsEngine = configuration.GetValue($"{SdWebOptions.Section}:{nameof(SdWebOptions.Worker)}:{nameof(WorkerOptions.Enabled)}", true);
        if (configuration.GetValue($"{SdWebOptions.Section}:{nameof(SdWebOptions.Database)}", DatabaseProvider.Sqlite) == DatabaseProvider.Postgres)
        {
            services.AddSingleton<JobArrivals>();
            services.AddSingleton<SharedQueuePositions>();
            services.AddSingleton<IJobDispatch, SharedJobDispatch>();
            services.AddHostedService<LeaseSweeper>();
            if (servesPages) services.AddHostedService(sp => sp.GetRequiredService<SharedQueuePositions>());
            if (runsEngine) services.AddHostedService<ClaimingWorker>();
        }
        else
        {
            services.AddSingleton<IJobDispatch, LocalJobDispatch>();
            if (runsEngine) services.AddHostedService<GenerationWorker>();
        }
        return services;
    }
}
