using SdWeb.Engine.Pipelines;

namespace SdWeb.Generation;

/// <summary>
/// The one loaded model, used and freed only on the worker's thread. It stays loaded between jobs; asking for another
/// loads that one and only then frees the previous, so a model that fails to load leaves the previous one in service.
/// Not <see cref="IDisposable"/> on purpose: the DI container would free the weights from another thread, possibly
/// while a step still runs on them (a native crash); the worker calls <see cref="Release"/> when its thread ends.
/// </summary>
public sealed class PipelineHost(IPipelineFactory factory, IModelLibrary library, VaeLibrary vaes, ILogger<PipelineHost> logger)
{
    private IImagePipeline? _pipeline;

    /// <summary>Name of the model in service, or null before the first job.</summary>
    public string? LoadedModel { get; private set; }

    /// <summary>Name of the separate VAE (in models/VAE) the model in service decodes with; null for the model's own.</summary>
    public string? LoadedVae { get; private set; }

    /// <param name="vaeName">A VAE in models/VAE to use instead of the model's own; null for the model's own.</param>
    /// <exception cref="Engine.Loading.ModelLoadException">The model or VAE cannot be loaded; the previous one stays.</exception>
    public IImagePipeline Get(string modelName, string? vaeName = null)
    {
        if (_pipeline is not null && LoadedModel == modelName && LoadedVae == vaeName) return _pipeline;
        logger.LogInformation("Loading model {Model} with VAE {Vae}", modelName, vaeName ?? "(its own)");
        var loaded = factory.Load(library.ResolvePath(modelName), vaeName is null ? null : vaes.Find(vaeName).Path);
        _pipeline?.Dispose();
        _pipeline = loaded;
        (LoadedModel, LoadedVae) = (modelName, vaeName);
        return loaded;
    }

    /// <summary>Frees the model in service, once, however often it is called.</summary>
    public void Release()
    {
        (LoadedModel, LoadedVae) = (null, null);
        Interlocked.Exchange(ref _pipeline, null)?.Dispose();
    }
}
