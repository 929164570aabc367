namespace SdWeb.Engine.Pipelines;

/// <summary>Loads a model (a diffusers folder or a single .safetensors checkpoint, optionally with a VAE override) into a pipeline.</summary>
public interface IPipelineFactory
{
    /// <exception cref="Loading.ModelLoadException">The model cannot be loaded; the message says why and what to do.</exception>
    IImagePipeline Load(string modelPath, string? vaePath = null);
}
