using SdWeb.Engine.Loading;
using SdWeb.Options;

namespace SdWeb.Generation;

/// <summary>
/// The models in ModelsDir as the app offers them (the engine's discovery, looked at afresh each time, so a model
/// copied in shows up without a restart). A real model is preferred over the built-in demo.
/// </summary>
public sealed class ModelLibrary(SdWebOptions options) : IModelLibrary
{
    public IReadOnlyList<string> Names() =>
        ModelCatalog.Discover(options.ModelsPath)
            .Select(m => m.Name)
            .OrderBy(name => name == DemoModel.Name) // the demo last
            .ToList();

    public string DefaultModel => Names() is [var first, ..] ? first : DemoModel.Name;

    public bool IsDemoOnly => Names() is [DemoModel.Name];

    public bool IsDemoTrained => IsDemoOnly && DemoModel.IsTrainedModel(Path.Combine(options.ModelsPath, DemoModel.Name));

    public string ResolvePath(string name)
    {
        var path = ModelCatalog.Resolve(options.ModelsPath, name);
        if (!Names().Contains(name))
            throw new ModelLoadException(
                $"No model named '{name}' in {options.ModelsPath}. Put a diffusers folder or a .safetensors file there, then pick it by name.");
        return path;
    }
}
