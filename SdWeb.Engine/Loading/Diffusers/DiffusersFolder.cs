using System.Text.Json;
using SdWeb.Engine.Devices;
using SdWeb.Engine.Loading.Checkpoints;
using SdWeb.Engine.Loading.Configs;
using SdWeb.Engine.Loading.SafeTensors;
using SdWeb.Engine.Models;
using TorchSharp;
using ConfigJson = SdWeb.Engine.Loading.Configs.ConfigJson;

namespace SdWeb.Engine.Loading.Diffusers;

/// <summary>
/// A Stable Diffusion v1 model saved by diffusers' save_pretrained: model_index.json and one subfolder per component,
/// each with its config.json and a safetensors weights file.
/// </summary>
internal static class DiffusersFolder
{
    public const string ModelIndexFileName = "model_index.json";
    public const string ConfigFileName = "config.json";
    public const string UNetWeightsBaseName = "diffusion_pytorch_model";
    public const string TextEncoderWeightsBaseName = "model";

    private static readonly (string Component, string ClassName)[] ExpectedClasses =
    [
        ("unet", "UNet2DConditionModel"), ("vae", "AutoencoderKL"), ("text_encoder", "CLIPTextModel"),
        ("tokenizer", "CLIPTokenizer"), ("scheduler", ""),
    ];

    public static bool IsDiffusersFolder(string dir) => File.Exists(Path.Combine(dir, ModelIndexFileName));

    public static ModelSource Open(string dir, ModelPlacement placement)
    {
        CheckModelIndex(Path.Combine(dir, ModelIndexFileName));
        var owned = new List<IDisposable>();
        try
        {
            var unet = OpenComponent(Path.Combine(dir, "unet"), UNetWeightsBaseName, UNet2DConditionConfig.FromJson, placement.DType, owned);
            var textEncoder = OpenComponent(Path.Combine(dir, "text_encoder"), TextEncoderWeightsBaseName, ClipTextConfig.FromJson, placement.DType, owned);
            // Older diffusers saved the VAE attention as query/key/value/proj_attn; the view serves today's names.
            var vae = OpenComponent(Path.Combine(dir, "vae"), UNetWeightsBaseName, AutoencoderKLConfig.FromJson, placement.DType, owned,
                file => CheckpointViews.Vae(file, ""));
            var schedulerConfig = Path.Combine(dir, "scheduler", "scheduler_config.json");
            if (!File.Exists(schedulerConfig))
                throw new ModelLoadException($"{dir}: the model has no scheduler/scheduler_config.json; copy it from the model's original repository.");
            var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(dir)));
            return new ModelSource(name, dir, ModelFormat.DiffusersFolder, unet, textEncoder, vae,
                TokenizerFiles.FromFolder(Path.Combine(dir, "tokenizer")), ModelSchedulerConfig.FromFile(schedulerConfig),
                hashedFile: ChooseWeightsFile(Path.Combine(dir, "unet"), UNetWeightsBaseName, placement.DType), owned);
        }
        catch
        {
            owned.ForEach(d => d.Dispose());
            throw;
        }
    }

    /// <summary>
    /// A component subfolder (unet/, vae/, text_encoder/, or a separate VAE folder): its config and weights, the opened
    /// file added to <paramref name="owned"/>. With fp16 wanted, a <c>*.fp16.safetensors</c> variant is preferred when present.
    /// </summary>
    /// <param name="view">How the component's weights are named in the file (default: as stored).</param>
    public static ModelComponent<TConfig> OpenComponent<TConfig>(string componentDir, string weightsBaseName,
        Func<string, TConfig> readConfig, torch.ScalarType runDType, List<IDisposable> owned,
        Func<SafeTensorsFile, IWeightSource>? view = null) where TConfig : class
    {
        string component = Path.GetFileName(Path.TrimEndingDirectorySeparator(componentDir));
        if (!Directory.Exists(componentDir))
            throw new ModelLoadException($"{componentDir}: the {component} folder is missing; a diffusers model needs unet/, vae/, text_encoder/, tokenizer/ and scheduler/.");
        var configPath = Path.Combine(componentDir, ConfigFileName);
        if (!File.Exists(configPath))
            throw new ModelLoadException($"{componentDir}: the {component} folder has no {ConfigFileName}.");
        var config = readConfig(configPath);
        var file = SafeTensorsFile.Open(ChooseWeightsFile(componentDir, weightsBaseName, runDType));
        owned.Add(file);
        return new ModelComponent<TConfig>(config, view?.Invoke(file) ?? new SafeTensorsWeightSource(file, "", ownsFile: false));
    }

    /// <summary>The safetensors weights file of a component folder; a pickle-only folder gets the refusal that explains why.</summary>
    public static string ChooseWeightsFile(string componentDir, string weightsBaseName, torch.ScalarType runDType)
    {
        string full = Path.Combine(componentDir, weightsBaseName + ".safetensors");
        string half = Path.Combine(componentDir, weightsBaseName + ".fp16.safetensors");
        string[] preference = runDType == torch.ScalarType.Float16 ? [half, full] : [full, half];
        var chosen = preference.FirstOrDefault(File.Exists);
        if (chosen is not null) return chosen;

        string component = Path.GetFileName(Path.TrimEndingDirectorySeparator(componentDir));
        var pickle = Directory.EnumerateFiles(componentDir).Where(PickleRefusal.HasPickleExtension).Order().FirstOrDefault();
        if (pickle is not null) throw PickleRefusal.Refuse(pickle, component);
        if (File.Exists(Path.Combine(componentDir, weightsBaseName + ".safetensors.index.json")))
            throw new ModelLoadException($"{componentDir}: sharded weights (*.safetensors.index.json) are not supported; " +
                                         "save the model again with a larger max_shard_size.");
        throw new ModelLoadException($"{componentDir}: the {component} folder has no weights file; expected {Path.GetFileName(full)} (or {Path.GetFileName(half)}).");
    }

    /// <summary>Checks that a model_index.json describes a Stable Diffusion v1 pipeline.</summary>
    public static void CheckModelIndex(string indexPath)
    {
        if (!File.Exists(indexPath))
            throw new ModelLoadException($"{Path.GetDirectoryName(indexPath)}: not a diffusers model folder (no {ModelIndexFileName}).");
        JsonDocument doc;
        try { doc = JsonDocument.Parse(File.ReadAllBytes(indexPath)); }
        catch (JsonException e) { throw new ModelLoadException($"{indexPath}: malformed JSON: {e.Message}.", e); }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new ModelLoadException($"{indexPath}: malformed model index (expected a JSON object).");
            foreach (var (component, className) in ExpectedClasses)
            {
                if (!root.TryGetProperty(component, out var entry) || entry.ValueKind != JsonValueKind.Array || entry.GetArrayLength() != 2)
                    throw new ModelLoadException($"{indexPath}: the model index lists no '{component}'; this is not a Stable Diffusion v1 pipeline.");
                var actual = entry[1].GetString();
                if (className.Length > 0 && actual != className)
                    throw new ModelLoadException(
                        $"{indexPath}: '{component}' is a {actual}, not a {className}; only Stable Diffusion v1 models are supported.");
            }
            if (root.TryGetProperty("text_encoder_2", out _))
                throw new ModelLoadException($"{indexPath}: this is an SDXL model (it has text_encoder_2); only Stable Diffusion v1 models are supported.");
        }
    }
}
