using SdWeb.Engine.Loading.SafeTensors;
using TorchSharp;

namespace SdWeb.Engine.Loading;

/// <summary>
/// A view of some tensors of a safetensors file under other names, optionally reshaped (e.g. an original checkpoint's
/// 1×1 conv attention weights [C,C,1,1] served as the Linear weights [C,C] diffusers uses). Does not own the file.
/// </summary>
internal sealed class RenamedWeightSource : IWeightSource
{
    /// <summary>Where a served weight lives in the file, and the shape it is served in (null: as stored).</summary>
    public sealed record Entry(string FileKey, long[]? ServedShape = null);

    private readonly SafeTensorsFile _file;
    private readonly Dictionary<string, Entry> _entries;

    public RenamedWeightSource(SafeTensorsFile file, Dictionary<string, Entry> entries, string description)
    {
        _file = file;
        _entries = entries;
        Description = description;
    }

    public string Description { get; }
    public IReadOnlyCollection<string> Names => _entries.Keys;

    public long[] ShapeOf(string name)
    {
        var e = Lookup(name);
        return e.ServedShape ?? _file.Tensors[e.FileKey].Shape;
    }

    public torch.ScalarType DTypeOf(string name) => _file.Tensors[Lookup(name).FileKey].ScalarType;

    public torch.Tensor Read(string name, torch.ScalarType dtype, torch.Device device)
    {
        var e = Lookup(name);
        var t = _file.Read(e.FileKey, dtype, device);
        if (e.ServedShape is null) return t;
        using (t) return t.reshape(e.ServedShape);
    }

    private Entry Lookup(string name) => _entries.TryGetValue(name, out var e)
        ? e
        : throw new ModelLoadException($"{Description}: no weight named '{name}'.");

    public void Dispose() { }
}
