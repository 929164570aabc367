using SdWeb.Engine.Loading.SafeTensors;
using TorchSharp;

namespace SdWeb.Engine.Training.Shipping;

/// <summary>
/// Copies a diffusers model folder with every floating-point weight stored in another precision (fp16 or bf16 to ship
/// it smaller); configs, tokenizer and scheduler are copied as they are, and model_index.json last, so a copy cut short
/// never looks like a model.
/// </summary>
internal static class PrecisionCopy
{
    public static void Write(string modelDir, string outDir, torch.ScalarType dtype)
    {
        var files = Directory.EnumerateFiles(modelDir, "*", SearchOption.AllDirectories)
            .OrderBy(f => Path.GetFileName(f) == "model_index.json").ToList();
        foreach (var file in files)
        {
            var target = Path.Combine(outDir, Path.GetRelativePath(modelDir, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            if (file.EndsWith(".safetensors", StringComparison.Ordinal)) Convert(file, target, dtype);
            else File.Copy(file, target);
        }
    }

    private static void Convert(string from, string to, torch.ScalarType dtype)
    {
        using var source = SafeTensorsFile.Open(from);
        torch.ScalarType Target(SafeTensorInfo t) => t.DType is "F64" or "F32" or "F16" or "BF16" ? dtype : t.ScalarType;
        var entries = source.Tensors.Values.Select(t => new SafeTensorEntry(t.Name, Target(t), t.Shape)).ToList();
        var targets = entries.ToDictionary(e => e.Name, e => e.DType, StringComparer.Ordinal);
        SafeTensorsFile.Write(to, entries, name => source.Read(name, targets[name]), ownsTensors: true, source.Metadata);
    }
}
