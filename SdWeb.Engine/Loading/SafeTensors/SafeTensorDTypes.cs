using TorchSharp;

namespace SdWeb.Engine.Loading.SafeTensors;

/// <summary>The safetensors dtype names this engine reads and writes, and their torch equivalents.</summary>
internal static class SafeTensorDTypes
{
    private static readonly Dictionary<string, (torch.ScalarType Type, int Size)> Known = new()
    {
        ["F64"] = (torch.ScalarType.Float64, 8),
        ["F32"] = (torch.ScalarType.Float32, 4),
        ["F16"] = (torch.ScalarType.Float16, 2),
        ["BF16"] = (torch.ScalarType.BFloat16, 2),
        ["I64"] = (torch.ScalarType.Int64, 8),
        ["I32"] = (torch.ScalarType.Int32, 4),
        ["I16"] = (torch.ScalarType.Int16, 2),
        ["I8"] = (torch.ScalarType.Int8, 1),
        ["U8"] = (torch.ScalarType.Byte, 1),
        ["BOOL"] = (torch.ScalarType.Bool, 1),
    };

    public static bool IsKnown(string name) => Known.ContainsKey(name);

    public static IEnumerable<string> Names => Known.Keys;

    public static int ElementSize(torch.ScalarType type) => ElementSize(FromScalarType(type));

    public static torch.ScalarType ToScalarType(string name) =>
        Known.TryGetValue(name, out var t) ? t.Type : throw new NotSupportedException($"safetensors dtype '{name}' is not supported");

    public static int ElementSize(string name) =>
        Known.TryGetValue(name, out var t) ? t.Size : throw new NotSupportedException($"safetensors dtype '{name}' is not supported");

    public static string FromScalarType(torch.ScalarType type) =>
        Known.FirstOrDefault(kv => kv.Value.Type == type).Key
        ?? throw new NotSupportedException($"torch dtype {type} cannot be written to safetensors");
}
