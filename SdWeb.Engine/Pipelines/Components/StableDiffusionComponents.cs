using SdWeb.Engine.Devices;
using SdWeb.Engine.Networks;
using SdWeb.Engine.Prompts;
using SdWeb.Engine.Schedulers;

namespace SdWeb.Engine.Pipelines.Components;

/// <summary>
/// A loaded model as the pipeline drives it. Samplers are built from <paramref name="SchedulerConfig"/> (the model's
/// scheduler_config.json) the way diffusers' <c>X.from_config(pipe.scheduler.config)</c> does.
/// <paramref name="Owner"/> holds the native weights and is disposed with the pipeline.
/// </summary>
internal sealed record StableDiffusionComponents(
    ModelDescriptor Model,
    ModelPlacement Placement,
    IPromptEncoder TextEncoder,
    INoisePredictor Unet,
    ILatentAutoencoder Vae,
    SchedulerConfig SchedulerConfig,
    IDisposable Owner)
{
    /// <summary>Parameters per model: "text", "unet", "vae" (for benchmarks and model info).</summary>
    public IReadOnlyDictionary<string, long> ParameterCounts { get; init; } = new Dictionary<string, long>();

    /// <summary>The weights LoRAs merge into; null for components without them (a request with LoRAs is then refused).</summary>
    internal LoraTargets? LoraTargets { get; init; }

    /// <summary>AUTOMATIC1111's SD1 conditioning on the same tokenizer and text encoder (prompt syntax A1111).</summary>
    internal A1111TextEncoder? A1111TextEncoder { get; init; }

    /// <summary>
    /// The UNet and the VAE, asked for at each use (a run may rebuild the VAE): the models whose convolutions tiling makes
    /// circular and whose kernels a request selects. Null for components without them (tiling is then refused).
    /// </summary>
    internal Func<IEnumerable<TorchSharp.torch.nn.Module>>? UNetAndVae { get; init; }
}
