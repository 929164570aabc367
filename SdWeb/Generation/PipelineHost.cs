using SdWeb.Engine.Pipelines;

namespace SdWeb.Generation;

/// <summary>
/// The one loaded model, used only from the worker's thread. It stays loaded between jobs; asking for another loads
/// that one and only then frees the previous, so a model that fails to load leaves the previous one in service.
/// </summary>
public sealed class PipelineHost(IPipelineFactory factory, IModelLibrary library, ILogger<PipelineHost> logger) : IDisposable
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

    public void Dispose()
    {
        _pipeline?.Dispose();
        _pipeline = null;
        LoadedModel = null;
    }
}
