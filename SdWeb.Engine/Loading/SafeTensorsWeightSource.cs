using SdWeb.Engine.Loading.SafeTensors;
using TorchSharp;

namespace SdWeb.Engine.Loading;

/// <summary>The tensors of one safetensors file, optionally only those under a key prefix (which is stripped).</summary>
internal sealed class SafeTensorsWeightSource : IWeightSource
{
    private readonly SafeTensorsFile _file;
    private readonly bool _ownsFile;
    private readonly string _prefix;
    private readonly Dictionary<string, string> _names; // model name -> file key

    public SafeTensorsWeightSource(string path) : this(SafeTensorsFile.Open(path), "", ownsFile: true) { }

    public SafeTensorsWeightSource(SafeTensorsFile file, string prefix, bool ownsFile)
    {
        _file = file;
        _prefix = prefix;
        _ownsFile = ownsFile;
        _names = file.Tensors.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(k => k[prefix.Length..], k => k, StringComparer.Ordinal);
    }

    public string Description => _prefix.Length == 0 ? _file.Path : $"{_file.Path} ({_prefix}*)";
    public IReadOnlyCollection<string> Names => _names.Keys;
    public long[] ShapeOf(string name) => _file.Tensors[_names[name]].Shape;
    public torch.ScalarType DTypeOf(string name) => _file.Tensors[_names[name]].ScalarType;
    public torch.Tensor Read(string name, torch.ScalarType dtype, torch.Device device) => _file.Read(_names[name], dtype, device);

    public void Dispose()
    {
        if (_ownsFile) _file.Dispose();
    }
}
