using SdWeb.Engine.Devices;
using SdWeb.Engine.Schedulers;

namespace SdWeb.Engine.Pipelines.Components;

/// <summary>
/// A loaded model as the pipeline drives it. <paramref name="CreateScheduler"/> builds a sampler by name from
/// <paramref name="SchedulerConfig"/> the way diffusers' <c>X.from_config(pipe.scheduler.config)</c> does.
/// <paramref name="Owner"/> holds the native weights and is disposed with the pipeline.
/// </summary>
public sealed record StableDiffusionComponents(
    ModelDescriptor Model,
    ModelPlacement Placement,
    IPromptEncoder TextEncoder,
    INoisePredictor Unet,
    ILatentAutoencoder Vae,
    SchedulerConfig SchedulerConfig,
    Func<string, SchedulerConfig, IScheduler> CreateScheduler,
    IDisposable Owner);
