using System.Text;
using System.Text.Json;
using TorchSharp;

namespace SdWeb.Engine.Loading.SafeTensors;

/// <summary>
/// Reads a safetensors file: an 8-byte little-endian header length, a JSON header, then the raw tensor bytes.
/// Tensors are read one at a time straight into a tensor's own storage and moved to their final device and dtype,
/// so loading a model never holds the whole file (or a second copy of the weights) in memory.
/// </summary>
internal sealed class SafeTensorsFile : IDisposable
{
    private const long MaxHeaderBytes = 100L * 1024 * 1024;
    private readonly FileStream _stream;
    private readonly long _dataStart;

    public string Path { get; }
    public IReadOnlyDictionary<string, SafeTensorInfo> Tensors { get; }
    public IReadOnlyDictionary<string, string> Metadata { get; }

    private SafeTensorsFile(string path, FileStream stream, long dataStart,
        Dictionary<string, SafeTensorInfo> tensors, Dictionary<string, string> metadata)
    {
        Path = path;
        _stream = stream;
        _dataStart = dataStart;
        Tensors = tensors;
        Metadata = metadata;
    }

    public static SafeTensorsFile Open(string path)
    {
        if (!File.Exists(path)) throw new SafeTensorsException($"{path}: file not found.");
        // Unbuffered: tensors are read in one call each straight into their storage, so a buffer would only add a copy.
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.RandomAccess);
        try
        {
            var (dataStart, tensors, metadata) = ReadHeader(path, stream);
            return new SafeTensorsFile(path, stream, dataStart, tensors, metadata);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    private static (long, Dictionary<string, SafeTensorInfo>, Dictionary<string, string>) ReadHeader(string path, FileStream stream)
    {
        long length = stream.Length;
        if (length < 8) throw new SafeTensorsException($"{path}: truncated file ({length} bytes), too short for a safetensors header.");
        Span<byte> lenBytes = stackalloc byte[8];
        stream.ReadExactly(lenBytes);
        long headerLength = BitConverter.ToInt64(lenBytes);
        // A header length of 0x380 (896) starts with the bytes of a pickle protocol-3 opcode: only a length that
        // cannot be a safetensors header makes the file a pickle.
        bool plausible = headerLength > 0 && headerLength <= MaxHeaderBytes && 8 + headerLength <= length;
        if (!plausible && PickleRefusal.LooksLikePickle(lenBytes)) throw PickleRefusal.Refuse(path);
        if (headerLength <= 0 || headerLength > MaxHeaderBytes)
            throw new SafeTensorsException(
                $"{path}: not a safetensors file (header length {headerLength} is impossible); the file is corrupt or in another format.");
        if (8 + headerLength > length)
            throw new SafeTensorsException($"{path}: truncated file: the header says {headerLength} bytes but only {length - 8} follow.");
        var headerBytes = new byte[headerLength];
        stream.ReadExactly(headerBytes);

        JsonDocument doc;
        try { doc = JsonDocument.Parse(headerBytes); }
        catch (JsonException e) { throw new SafeTensorsException($"{path}: malformed header JSON: {e.Message}"); }

        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new SafeTensorsException($"{path}: malformed header: expected a JSON object.");
            long dataLength = length - 8 - headerLength;
            var tensors = new Dictionary<string, SafeTensorInfo>(StringComparer.Ordinal);
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var prop in doc.RootElement.EnumerateObject())
            {
                if (prop.Name == "__metadata__")
                {
                    if (prop.Value.ValueKind == JsonValueKind.Object)
                        foreach (var m in prop.Value.EnumerateObject())
                            metadata[m.Name] = m.Value.ValueKind == JsonValueKind.String ? m.Value.GetString()! : m.Value.GetRawText();
                    continue;
                }
                var info = ParseEntry(path, prop);
                if (info.End > dataLength)
                    throw new SafeTensorsException(
                        $"{path}: tensor '{info.Name}': data offsets [{info.Begin}, {info.End}) run past the end of the file " +
                        $"(data area is {dataLength} bytes); the file is truncated or corrupt.");
                tensors[info.Name] = info;
            }
            return (8 + headerLength, tensors, metadata);
        }
    }

    private static SafeTensorInfo ParseEntry(string path, JsonProperty prop)
    {
        string name = prop.Name;
        try
        {
            var v = prop.Value;
            string dtype = v.GetProperty("dtype").GetString() ?? "";
            if (!SafeTensorDTypes.IsKnown(dtype))
                throw new SafeTensorsException(
                    $"{path}: tensor '{name}': unsupported dtype '{dtype}' (supported: {string.Join(", ", SafeTensorDTypes.Names)}); " +
                    "convert the file to F16 or F32.");
            long[] shape = v.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            var offsets = v.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0] || shape.Any(d => d < 0))
                throw new SafeTensorsException($"{path}: tensor '{name}': malformed shape or data_offsets.");
            var info = new SafeTensorInfo(name, dtype, shape, offsets[0], offsets[1]);
            long expected = checked(info.ElementCount * SafeTensorDTypes.ElementSize(dtype));
            if (offsets[1] - offsets[0] != expected)
                throw new SafeTensorsException(
                    $"{path}: tensor '{name}': {offsets[1] - offsets[0]} bytes for a {dtype} tensor of shape [{string.Join(",", shape)}] (expected {expected}).");
            return info;
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException or OverflowException)
        {
            throw new SafeTensorsException($"{path}: tensor '{name}': malformed header entry ({e.Message}).");
        }
    }

    public bool Contains(string name) => Tensors.ContainsKey(name);

    /// <summary>Reads one tensor and returns it on <paramref name="device"/> as <paramref name="dtype"/> (the file's dtype if null).</summary>
    public torch.Tensor Read(string name, torch.ScalarType? dtype = null, torch.Device? device = null)
    {
        if (!Tensors.TryGetValue(name, out var info))
            throw new SafeTensorsException($"{Path}: no tensor named '{name}'.");
        var cpu = torch.empty(info.Shape, info.ScalarType, torch.CPU);
        try
        {
            if (info.End > info.Begin)
            {
                lock (_stream)
                {
                    _stream.Position = _dataStart + info.Begin;
                    _stream.ReadExactly(cpu.bytes);
                }
            }
        }
        catch (EndOfStreamException)
        {
            cpu.Dispose();
            throw new SafeTensorsException($"{Path}: tensor '{name}': the file ends before the tensor's data; it is truncated.");
        }
        var targetType = dtype ?? info.ScalarType;
        var targetDevice = device ?? torch.CPU;
        if (targetType == info.ScalarType && targetDevice.type == DeviceType.CPU) return cpu;
        using (cpu) return cpu.to(targetType, targetDevice);
    }

    public void Dispose() => _stream.Dispose();

    /// <summary>Writes tensors (in name order) and optional metadata as a safetensors file.</summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, torch.Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var byName = tensors.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        var entries = byName.Select(kv => new SafeTensorEntry(kv.Key, kv.Value.dtype, kv.Value.shape)).ToList();
        Write(path, entries, name => byName[name], ownsTensors: false, metadata);
    }

    /// <summary>
    /// Writes tensors that <paramref name="produce"/> makes one at a time (in name order), so a model far larger than
    /// memory can be written; with <paramref name="ownsTensors"/> each is disposed once written.
    /// </summary>
    public static void Write(string path, IReadOnlyList<SafeTensorEntry> entries, Func<string, torch.Tensor> produce,
        bool ownsTensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var list = entries.OrderBy(e => e.Name, StringComparer.Ordinal).ToList();
        var header = new Dictionary<string, object>();
        if (metadata is { Count: > 0 }) header["__metadata__"] = metadata;
        long offset = 0;
        foreach (var e in list)
        {
            long bytes = e.Shape.Aggregate(1L, (a, b) => a * b) * SafeTensorDTypes.ElementSize(e.DType);
            header[e.Name] = new { dtype = SafeTensorDTypes.FromScalarType(e.DType), shape = e.Shape, data_offsets = new[] { offset, offset + bytes } };
            offset += bytes;
        }
        var json = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(header));
        int pad = (8 - json.Length % 8) % 8; // keep the data area 8-byte aligned, as the reference writer does
        var headerBytes = new byte[json.Length + pad];
        json.CopyTo(headerBytes, 0);
        for (int i = json.Length; i < headerBytes.Length; i++) headerBytes[i] = (byte)' ';

        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        stream.Write(BitConverter.GetBytes((long)headerBytes.Length));
        stream.Write(headerBytes);
        foreach (var e in list)
        {
            var t = produce(e.Name);
            try
            {
                if (t.dtype != e.DType || !t.shape.SequenceEqual(e.Shape))
                    throw new ArgumentException($"{path}: tensor '{e.Name}' was announced as {e.DType} [{string.Join(",", e.Shape)}] " +
                                                $"but is {t.dtype} [{string.Join(",", t.shape)}].");
                // The scope frees the detached/CPU/contiguous views at once: left to the GC, they would keep every
                // written tensor's storage alive.
                using var scope = torch.NewDisposeScope();
                stream.Write(t.detach().cpu().contiguous().bytes);
            }
            finally
            {
                if (ownsTensors) t.Dispose();
            }
        }
    }
}
