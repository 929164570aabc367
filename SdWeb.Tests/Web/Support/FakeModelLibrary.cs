using SdWeb.Engine.Loading;
using SdWeb.Generation;

namespace SdWeb.Tests.Web.Support;

public sealed class FakeModelLibrary(params string[] names) : IModelLibrary
{
    public IReadOnlyList<string> Names() => names;
    public string DefaultModel => names[0];
    public bool IsDemoOnly => false;
    public bool IsDemoTrained => false;

    public string ResolvePath(string name) =>
        names.Contains(name) ? "/models/" + name : throw new ModelLoadException($"No model named '{name}'.");
}
