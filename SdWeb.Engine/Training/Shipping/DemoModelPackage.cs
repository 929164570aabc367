using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using SdWeb.Engine.Devices;
using SdWeb.Engine.Loading;
using SdWeb.Engine.Loading.Checkpoints;
using TorchSharp;

namespace SdWeb.Engine.Training.Shipping;

/// <summary>
/// Packs a trained demo model (fp32 diffusers folder) as the repository ships it: OUT/model in the smallest precision
/// whose generations still match the fp32 model's (fp16, else bf16, else fp32; PSNR ≥ <see cref="MinPsnrDb"/>), the same
/// weights as one original-format checkpoint OUT/sdweb-demo.safetensors with its .yaml, and OUT/demo-model.json: the
/// precision and PSNRs measured, every weights file's SHA-256, and training.json's essentials (steps, seed, scores).
/// </summary>
internal static class DemoModelPackage
{
    public const double MinPsnrDb = 35;
    public const string SingleFileName = "sdweb-demo.safetensors";
    private static readonly (string Name, torch.ScalarType DType)[] Precisions = [("fp16", torch.ScalarType.Float16), ("bf16", torch.ScalarType.BFloat16)];
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static void Pack(string modelDir, string? trainingJson, string outDir, Action<string> log, CancellationToken cancellationToken)
    {
        if (Directory.Exists(outDir) && Directory.EnumerateFileSystemEntries(outDir).Any())
            throw new IOException($"{outDir} is not empty; choose a new folder (or empty it) for the packed demo model.");
        var packedModel = Path.Combine(outDir, DemoModelTraining.PackedModelFolder);
        var prompts = DemoModelTraining.SuggestedPrompts;
        var psnr = new Dictionary<string, double>();
        var (precision, chosen) = ("fp32", torch.ScalarType.Float32);
        foreach (var (name, dtype) in Precisions)
        {
            cancellationToken.ThrowIfCancellationRequested();
            PrecisionCopy.Write(modelDir, packedModel, dtype);
            psnr[name] = Math.Round(GenerationPsnr.Measure(modelDir, packedModel, prompts, cancellationToken), 2);
            log($"{name}: PSNR {psnr[name]:0.00} dB against fp32 over {prompts.Count} generations");
            if (psnr[name] >= MinPsnrDb)
            {
                (precision, chosen) = (name, dtype);
                break;
            }
            Directory.Delete(packedModel, recursive: true);
        }
        if (chosen == torch.ScalarType.Float32) PrecisionCopy.Write(modelDir, packedModel, chosen);
        log($"model/: {precision}");

        var singleFile = Path.Combine(outDir, SingleFileName);
        using (var source = ModelSource.Open(packedModel, ModelPlacement.CpuFloat32))
            SingleFileWriter.Write(source, singleFile, chosen, new Dictionary<string, string> { ["format"] = "pt" });
        log($"{SingleFileName}: the same weights as one original-format checkpoint, with its .yaml");

        var manifest = new JsonObject
        {
            ["precision"] = precision,
            ["psnrDbAgainstFp32"] = JsonSerializer.SerializeToNode(psnr),
            ["sha256"] = JsonSerializer.SerializeToNode(WeightHashes(outDir)),
            ["training"] = trainingJson is null ? null : Essentials(trainingJson),
        };
        File.WriteAllText(Path.Combine(outDir, DemoModelTraining.ManifestFileName), manifest.ToJsonString(Indented));
        log($"wrote {outDir}");
    }

    /// <summary>SHA-256 of every weights file of the package, by its path inside it.</summary>
    private static SortedDictionary<string, string> WeightHashes(string outDir)
    {
        var hashes = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(outDir, "*.safetensors", SearchOption.AllDirectories))
        {
            using var stream = File.OpenRead(file);
            hashes[Path.GetRelativePath(outDir, file).Replace('\\', '/')] = Convert.ToHexStringLower(SHA256.HashData(stream));
        }
        return hashes;
    }

    /// <summary>training.json without its loss curve (the docs keep that): seed, steps, seconds, scaling factor, hash, scores.</summary>
    private static JsonNode Essentials(string trainingJson)
    {
        var training = JsonNode.Parse(File.ReadAllText(trainingJson)) as JsonObject
                       ?? throw new InvalidDataException($"{trainingJson}: not the JSON object train-demo writes.");
        training.Remove("Losses");
        return training;
    }
}
