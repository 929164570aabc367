using SdWeb.Engine.Loading.Configs;
using SdWeb.Engine.Loading.SafeTensors;
using SdWeb.Engine.Models;
using TorchSharp;

namespace SdWeb.Engine.Loading.Diffusers;

/// <summary>
/// Writes the parts of a diffusers model folder that every model SdWeb makes shares: each component's config.json and
/// safetensors weights (one tensor produced and written at a time), SD v1's scheduler config, and model_index.json.
/// The tokenizer/ folder is the caller's. Callers write model_index.json last, so that an interrupted write never
/// leaves something that looks like a model.
/// </summary>
internal static class DiffusersFolderWriter
{
    /// <param name="weightOf">The tensor to store under a parameter name; disposed once written.</param>
    public static void WriteTextEncoder(string modelDir, ClipTextConfig config, torch.nn.Module module, Func<string, torch.Tensor> weightOf,
        IReadOnlyDictionary<string, string> metadata)
    {
        var dir = Path.Combine(modelDir, "text_encoder");
        WriteWeights(dir, DiffusersFolder.TextEncoderWeightsBaseName, module, weightOf, metadata);
        ConfigJson.Write(Path.Combine(dir, DiffusersFolder.ConfigFileName), config,
            new Dictionary<string, object> { ["architectures"] = new[] { "CLIPTextModel" }, ["model_type"] = "clip_text_model" });
    }

    public static void WriteVae(string modelDir, AutoencoderKLConfig config, torch.nn.Module module, Func<string, torch.Tensor> weightOf,
        IReadOnlyDictionary<string, string> metadata)
    {
        var dir = Path.Combine(modelDir, "vae");
        WriteWeights(dir, DiffusersFolder.UNetWeightsBaseName, module, weightOf, metadata);
        ConfigJson.Write(Path.Combine(dir, DiffusersFolder.ConfigFileName), config, ClassName("AutoencoderKL"));
    }

    public static void WriteUNet(string modelDir, UNet2DConditionConfig config, torch.nn.Module module, Func<string, torch.Tensor> weightOf,
        IReadOnlyDictionary<string, string> metadata)
    {
        var dir = Path.Combine(modelDir, "unet");
        WriteWeights(dir, DiffusersFolder.UNetWeightsBaseName, module, weightOf, metadata);
        ConfigJson.Write(Path.Combine(dir, DiffusersFolder.ConfigFileName), config, ClassName("UNet2DConditionModel"));
    }

    /// <summary>SD v1's scheduler_config.json.</summary>
    public static void WriteScheduler(string modelDir)
    {
        Directory.CreateDirectory(Path.Combine(modelDir, "scheduler"));
        using var scheduler = EmbeddedResources.Open(ModelSchedulerConfig.StandardV1ResourceName);
        using var file = File.Create(Path.Combine(modelDir, "scheduler", "scheduler_config.json"));
        scheduler.CopyTo(file);
    }

    /// <summary>SD v1's model_index.json: write it last.</summary>
    public static void WriteModelIndex(string modelDir)
    {
        using var index = EmbeddedResources.Open("sd-v1-model_index.json");
        using var file = File.Create(Path.Combine(modelDir, DiffusersFolder.ModelIndexFileName));
        index.CopyTo(file);
    }

    private static Dictionary<string, object> ClassName(string name) => new() { ["_class_name"] = name, ["_diffusers_version"] = "0.24.0" };

    private static void WriteWeights(string dir, string weightsBaseName, torch.nn.Module module, Func<string, torch.Tensor> weightOf,
        IReadOnlyDictionary<string, string> metadata)
    {
        Directory.CreateDirectory(dir);
        var entries = module.named_parameters().Select(p => new SafeTensorEntry(p.name, torch.ScalarType.Float32, p.parameter.shape)).ToList();
        SafeTensorsFile.Write(Path.Combine(dir, weightsBaseName + ".safetensors"), entries, weightOf, ownsTensors: true, metadata);
    }
}
