using SdWeb.Engine.Loading.Configs;
using SdWeb.Engine.Loading.Diffusers;
using SdWeb.Engine.Loading.SafeTensors;
using SdWeb.Engine.Models.Clip;
using SdWeb.Engine.Models.Unet;
using SdWeb.Engine.Models.Vae;
using TorchSharp;

namespace SdWeb.Engine.Loading.RandomModels;

/// <summary>
/// Writes a diffusers-format model with random weights: the real model classes are built on the "meta" device (shapes,
/// no memory) to list their parameters, then each weight is drawn from one seeded generator and written alone, so even
/// the SD 1.5 preset never holds more than one tensor. Weights: normal(0, 0.02) for matrices, kernels and embeddings,
/// 1 for norm scales, 0 for biases. Tokenizer: <see cref="ByteLevelVocabulary"/>; scheduler: SD v1's.
/// </summary>
public static class RandomModelWriter
{
    private const double WeightStd = 0.02;

    /// <param name="progress">Told each component as it is written.</param>
    public static void Write(string outDir, RandomModelPreset preset, long seed, Action<string>? progress = null)
    {
        if (Directory.Exists(outDir) && Directory.EnumerateFileSystemEntries(outDir).Any())
            throw new IOException($"{outDir} is not empty; choose a new folder for the random model.");
        using var generator = new torch.Generator((ulong)seed);
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["sdweb"] = $"random {preset.Name} model, seed {seed}" };

        progress?.Invoke("text_encoder");
        using (var clip = new ClipTextModel(preset.TextEncoder, WeightFit.ShapeOnly))
            WriteComponent(Path.Combine(outDir, "text_encoder"), DiffusersFolder.TextEncoderWeightsBaseName, clip, generator, metadata,
                () => ConfigJson.Write(Path.Combine(outDir, "text_encoder", DiffusersFolder.ConfigFileName), preset.TextEncoder,
                    new Dictionary<string, object> { ["architectures"] = new[] { "CLIPTextModel" }, ["model_type"] = "clip_text_model" }));
        progress?.Invoke("vae");
        using (var vae = new AutoencoderKL(preset.Vae, WeightFit.ShapeOnly))
            WriteComponent(Path.Combine(outDir, "vae"), DiffusersFolder.UNetWeightsBaseName, vae, generator, metadata,
                () => ConfigJson.Write(Path.Combine(outDir, "vae", DiffusersFolder.ConfigFileName), preset.Vae, ClassName("AutoencoderKL")));
        progress?.Invoke("unet");
        using (var unet = new UNet2DConditionModel(preset.UNet, WeightFit.ShapeOnly))
            WriteComponent(Path.Combine(outDir, "unet"), DiffusersFolder.UNetWeightsBaseName, unet, generator, metadata,
                () => ConfigJson.Write(Path.Combine(outDir, "unet", DiffusersFolder.ConfigFileName), preset.UNet, ClassName("UNet2DConditionModel")));

        ByteLevelVocabulary.Write(Path.Combine(outDir, "tokenizer"));
        Directory.CreateDirectory(Path.Combine(outDir, "scheduler"));
        using (var scheduler = EmbeddedResources.Open(ModelSchedulerConfig.StandardV1ResourceName))
        using (var file = File.Create(Path.Combine(outDir, "scheduler", "scheduler_config.json")))
            scheduler.CopyTo(file);
        // Last, so that an interrupted run never leaves something that looks like a model.
        using (var index = EmbeddedResources.Open("sd-v1-model_index.json"))
        using (var file = File.Create(Path.Combine(outDir, DiffusersFolder.ModelIndexFileName)))
            index.CopyTo(file);
    }

    private static Dictionary<string, object> ClassName(string name) => new() { ["_class_name"] = name, ["_diffusers_version"] = "0.24.0" };

    private static void WriteComponent(string dir, string weightsBaseName, torch.nn.Module module, torch.Generator generator,
        IReadOnlyDictionary<string, string> metadata, Action writeConfig)
    {
        Directory.CreateDirectory(dir);
        writeConfig();
        var parameters = module.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape, StringComparer.Ordinal);
        var entries = parameters.Select(p => new SafeTensorEntry(p.Key, torch.ScalarType.Float32, p.Value)).ToList();
        SafeTensorsFile.Write(Path.Combine(dir, weightsBaseName + ".safetensors"), entries,
            name => RandomWeight(name, parameters[name], generator), ownsTensors: true, metadata);
    }

    internal static torch.Tensor RandomWeight(string name, long[] shape, torch.Generator generator)
    {
        if (name.EndsWith(".bias", StringComparison.Ordinal)) return torch.zeros(shape);
        if (shape.Length == 1) return torch.ones(shape); // GroupNorm/LayerNorm scale
        var weight = torch.randn(shape, generator: generator);
        weight.mul_(WeightStd);
        return weight;
    }
}
