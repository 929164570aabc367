using SdWeb.Engine.Loading;
using SdWeb.Options;
using EngineCatalog = SdWeb.Engine.Loading.ModelCatalog;

namespace SdWeb.Generation;

/// <summary>
/// The models in ModelsDir as the app offers them (the engine's discovery, looked at afresh each time, so a model
/// copied in shows up without a restart). A real model is preferred over the built-in demo.
/// </summary>
public sealed class ModelCatalog(SdWebOptions options) : IModelCatalog
{
    /// <summary>Folder name of the tiny random-weight model created on first run.</summary>
    public const string DemoModelName = "sdweb-demo-tiny";

    public IReadOnlyList<string> Names() =>
        EngineCatalog.Discover(options.ModelsPath)
            .Select(m => m.Name)
            .OrderBy(name => name == DemoModelName) // the demo last
            .ToList();

    public string DefaultModel => Names().FirstOrDefault() ?? DemoModelName;

    public bool IsDemoOnly => Names() is [DemoModelName];

    public string ResolvePath(string name)
    {
        var path = EngineCatalog.Resolve(options.ModelsPath, name);
        if (!Names().Contains(name))
            throw new ModelLoadException(
                $"No model named '{name}' in {options.ModelsPath}. Put a diffusers folder or a .safetensors file there, then pick it by name.");
        return path;
    }
}
