using SdWeb.Engine.Loading.SafeTensors;
using SdWeb.Engine.Schedulers;

namespace SdWeb.Engine.Loading.Checkpoints;

/// <summary>
/// One original-format Stable Diffusion v1 .safetensors checkpoint (UNet, VAE and CLIP text encoder under their
/// CompVis/LDM names), opened as diffusers-named views with configs inferred from its shapes and its .yaml, if any.
/// Tokenizer and scheduler, which such files do not carry, are SD v1's standard ones (a vocabulary of its own in the
/// file's metadata, as <see cref="SingleFileWriter"/> stores the demo model's, is used instead).
/// </summary>
internal static class SingleFileCheckpoint
{
    public static ModelSource Open(string path)
    {
        var file = SafeTensorsFile.Open(path);
        try
        {
            CheckIsSdV1(file);
            var yaml = LdmConfigFile.FindBeside(path);
            var unet = CheckpointViews.UNet(file);
            var vae = CheckpointViews.Vae(file, CheckpointViews.VaePrefix);
            var textEncoder = CheckpointViews.TextEncoder(file);
            return new ModelSource(Path.GetFileNameWithoutExtension(path), path, ModelFormat.SingleFile,
                new(ConfigInference.UNet(unet, yaml), unet),
                new(ConfigInference.Clip(textEncoder), textEncoder),
                new(ConfigInference.Vae(vae, yaml), vae),
                TokenizerFiles.FromMetadata(file.Metadata, path) ?? TokenizerFiles.StandardClip, Scheduler(yaml), hashedFile: path, owned: [file]);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>SD v1's scheduler, with the noise schedule and prediction type of the yaml where it gives them.</summary>
    private static ModelSchedulerConfig Scheduler(LdmConfigFile? yaml)
    {
        var standard = ModelSchedulerConfig.StandardV1;
        if (yaml is null) return standard;
        var c = standard.Config;
        return standard with
        {
            Description = $"{standard.Description}, noise schedule from {yaml.Path}",
            Config = c with
            {
                BetaStart = yaml.LinearStart ?? c.BetaStart,
                BetaEnd = yaml.LinearEnd ?? c.BetaEnd,
                NumTrainTimesteps = yaml.Timesteps ?? c.NumTrainTimesteps,
                PredictionType = yaml.Parameterization == "v" ? "v_prediction" : c.PredictionType,
            },
        };
    }

    private static void CheckIsSdV1(SafeTensorsFile file)
    {
        bool Has(string prefix) => file.Tensors.Keys.Any(k => k.StartsWith(prefix, StringComparison.Ordinal));
        if (Has("conditioner.embedders."))
            throw new ModelLoadException($"{file.Path}: this is an SDXL checkpoint; only Stable Diffusion v1 models are supported.");
        if (Has("cond_stage_model.model."))
            throw new ModelLoadException($"{file.Path}: this is a Stable Diffusion 2.x checkpoint (OpenCLIP text encoder); only Stable Diffusion v1 models are supported.");
        var missing = new[] { CheckpointViews.UNetPrefix, CheckpointViews.VaePrefix, CheckpointViews.TextEncoderPrefix }.Where(p => !Has(p)).ToList();
        if (missing.Count > 0)
            throw new ModelLoadException(
                $"{file.Path}: not a full Stable Diffusion v1 checkpoint: it has no {string.Join(", ", missing.Select(p => p + "*"))} tensors " +
                "(a VAE, LoRA or embedding file? Those are not models; pick a full checkpoint or a diffusers folder).");
    }
}
