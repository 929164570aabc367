using SdWeb.Engine.Devices;
using SdWeb.Engine.Pipelines.Validation;

namespace SdWeb.Engine.Pipelines;

/// <summary>Loads models into <see cref="StableDiffusionPipeline"/>s placed as <see cref="EngineOptions"/> say.</summary>
public sealed class PipelineFactory(EngineOptions options, GenerationLimits? limits = null) : IPipelineFactory
{
    public IImagePipeline Load(string modelPath, string? vaePath = null)
    {
        PlacementResolver.ApplyThreads(options);
        var placement = PlacementResolver.Resolve(options);
        _ = limits;
        throw new Loading.ModelLoadException($"{modelPath}: model loading is not merged yet ({placement}).");
    }
}
