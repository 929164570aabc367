using SdWeb.Engine.Devices;
using SdWeb.Engine.Loading;
using SdWeb.Engine.Models.Clip;
using SdWeb.Engine.Models.Unet;
using SdWeb.Engine.Models.Vae;
using SdWeb.Engine.Networks;
using SdWeb.Engine.Pipelines.Components;
using SdWeb.Engine.Pipelines.Validation;
using SdWeb.Engine.Prompts;
using SdWeb.Engine.Tokenization;

namespace SdWeb.Engine.Pipelines;

/// <summary>
/// Loads a model (diffusers folder or single-file checkpoint, optional VAE override) into a
/// <see cref="StableDiffusionPipeline"/>, each model built directly on the placement <see cref="EngineOptions"/> resolve to.
/// </summary>
public sealed class PipelineFactory(EngineOptions options, GenerationLimits? limits = null) : IPipelineFactory
{
    public IImagePipeline Load(string modelPath, string? vaePath = null) =>
        new StableDiffusionPipeline(LoadComponents(modelPath, vaePath), limits);

    internal StableDiffusionComponents LoadComponents(string modelPath, string? vaePath = null)
    {
        PlacementResolver.ApplyThreads(options);
        var placement = PlacementResolver.Resolve(options);
        options.Log?.Invoke(PlacementResolver.DescribeAttention(placement, options));
        options.Log?.Invoke(PlacementResolver.DescribeConvolutions(placement, options));
        using var source = ModelSource.Open(modelPath, placement, vaePath);
        var owned = new DisposableList();
        try
        {
            var tokenizer = ClipTokenizer.FromModel(source);
            var textEncoder = owned.Add(new ClipTextModel(source.TextEncoder.Config, placement));
            textEncoder.LoadWeights(source.TextEncoder.Weights);
            var unet = owned.Add(new UNet2DConditionModel(source.UNet.Config, placement));
            ModuleWeightLoader.Load(unet, source.UNet.Weights);
            var autoencoder = LoadVae(source, placement);
            var vae = owned.Add(new AutoencoderKLCodec(autoencoder));
            var parameterCounts = new Dictionary<string, long>
            {
                ["text"] = ParameterCount(textEncoder), ["unet"] = ParameterCount(unet), ["vae"] = ParameterCount(autoencoder),
            };

            var model = new ModelDescriptor(source.Name, modelPath, source.Hash, DeviceName(placement), placement.ModeName)
            {
                VaeName = source.VaeOverridePath is { } overridePath ? Path.GetFileName(Path.TrimEndingDirectorySeparator(overridePath)) : null,
                VaeHash = source.VaeOverrideHash,
            };
            var promptEncoder = owned.Add(new ClipPromptEncoder(tokenizer, textEncoder));
            return new StableDiffusionComponents(model, placement, promptEncoder,
                new UNetNoisePredictor(unet), vae, source.Scheduler.Config, owned)
            {
                ParameterCounts = parameterCounts,
                LoraTargets = new LoraTargets(textEncoder, unet, promptEncoder.ForgetEncodings),
                A1111TextEncoder = new A1111TextEncoder(tokenizer, textEncoder),
                UNetAndVae = () => [unet, vae.Module],
            };
        }
        catch
        {
            owned.Dispose();
            throw;
        }
    }

    private static AutoencoderKL LoadVae(ModelSource source, ModelPlacement placement)
    {
        var vae = new AutoencoderKL(source.Vae.Config, placement);
        try
        {
            ModuleWeightLoader.Load(vae, source.Vae.Weights);
            return vae;
        }
        catch
        {
            vae.Dispose();
            throw;
        }
    }

    private static long ParameterCount(TorchSharp.torch.nn.Module module) => module.parameters().Sum(p => p.numel());

    private static string DeviceName(ModelPlacement placement) =>
        placement.Device.index >= 0 ? $"{placement.Device.type.ToString().ToLowerInvariant()}:{placement.Device.index}"
            : placement.Device.type.ToString().ToLowerInvariant();

    /// <summary>The loaded models, disposed together with the pipeline.</summary>
    private sealed class DisposableList : IDisposable
    {
        private readonly List<IDisposable> _items = [];

        public T Add<T>(T item) where T : IDisposable
        {
            _items.Add(item);
            return item;
        }

        public void Dispose()
        {
            foreach (var item in _items) item.Dispose();
            _items.Clear();
        }
    }
}
