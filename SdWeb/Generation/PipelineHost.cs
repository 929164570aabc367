using SdWeb.Engine.Pipelines;

namespace SdWeb.Generation;

/// <summary>
/// The one loaded model, used and freed only on the worker's thread. It stays loaded between jobs; asking for another
/// loads that one and only then frees the previous, so a model that fails to load leaves the previous one in service.
/// Not <see cref="IDisposable"/> on purpose: the DI container would free the weights from another thread, possibly
/// while a step still runs on them (a native crash); the worker calls <see cref="Release"/> when its thread ends.
/// </summary>
public sealed class PipelineHost(IPipelineFactory factory, IModelLibrary library, ILogger<PipelineHost> logger)
{
    private IImagePipeline? _pipeline;

    /// <summary>Name of the model in service, or null before the first job.</summary>
    public string? LoadedModel { get; private set; }

    /// <exception cref="Engine.Loading.ModelLoadException">The model cannot be loaded; the previous one stays.</exception>
    public IImagePipeline Get(string modelName)
    {
        if (_pipeline is not null && LoadedModel == modelName) return _pipeline;
        logger.LogInformation("Loading model {Model}", modelName);
        var loaded = factory.Load(library.ResolvePath(modelName));
        _pipeline?.Dispose();
        _pipeline = loaded;
        LoadedModel = modelName;
        return loaded;
    }

    /// <summary>Frees the model in service, once, however often it is called.</summary>
    public void Release()
    {
        LoadedModel = null;
        Interlocked.Exchange(ref _pipeline, null)?.Dispose();
    }
}
