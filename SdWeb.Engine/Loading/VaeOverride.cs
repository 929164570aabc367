using SdWeb.Engine.Devices;
using SdWeb.Engine.Loading.Checkpoints;
using SdWeb.Engine.Loading.Diffusers;
using SdWeb.Engine.Loading.SafeTensors;
using SdWeb.Engine.Models;

namespace SdWeb.Engine.Loading;

/// <summary>
/// A separate VAE used instead of the model's own: a diffusers vae/ folder (config.json + weights), or one .safetensors
/// file with diffusers keys, original LDM keys (<c>first_stage_model.*</c> or bare <c>encoder.*</c>/<c>decoder.*</c>).
/// A file's config comes from its shapes (and a .yaml beside it, for the scale factor).
/// </summary>
internal static class VaeOverride
{
    /// <param name="owned">Receives the opened files, which the caller disposes.</param>
    public static ModelComponent<AutoencoderKLConfig> Open(string path, ModelPlacement placement, List<IDisposable> owned)
    {
        if (Directory.Exists(path))
            return DiffusersFolder.OpenComponent(path, DiffusersFolder.UNetWeightsBaseName, AutoencoderKLConfig.FromJson, placement.DType, owned,
                file => CheckpointViews.Vae(file, ""));
        if (!File.Exists(path)) throw new ModelLoadException($"{path}: no such VAE file or folder.");
        if (PickleRefusal.HasPickleExtension(path)) throw PickleRefusal.Refuse(path, "VAE");

        var file = SafeTensorsFile.Open(path);
        owned.Add(file);
        var prefix = file.Tensors.Keys.Any(k => k.StartsWith(CheckpointViews.VaePrefix, StringComparison.Ordinal)) ? CheckpointViews.VaePrefix : "";
        var weights = CheckpointViews.Vae(file, prefix);
        if (!weights.Names.Any(n => n.StartsWith("decoder.", StringComparison.Ordinal)))
            throw new ModelLoadException($"{path}: not a VAE: it has no decoder.* tensors.");
        return new ModelComponent<AutoencoderKLConfig>(ConfigInference.Vae(weights, LdmConfigFile.FindBeside(path)), weights);
    }

    /// <summary>The file a VAE's hash covers: the file itself, or a diffusers vae folder's full-precision weights.</summary>
    public static string WeightsFile(string path) => Directory.Exists(path)
        ? DiffusersFolder.ChooseWeightsFile(path, DiffusersFolder.UNetWeightsBaseName, TorchSharp.torch.ScalarType.Float32)
        : path;
}
