using SdWeb.Engine.Loading.Diffusers;
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
            DiffusersFolderWriter.WriteTextEncoder(outDir, preset.TextEncoder, clip, RandomWeights(clip, generator), metadata);
        progress?.Invoke("vae");
        using (var vae = new AutoencoderKL(preset.Vae, WeightFit.ShapeOnly))
            DiffusersFolderWriter.WriteVae(outDir, preset.Vae, vae, RandomWeights(vae, generator), metadata);
        progress?.Invoke("unet");
        using (var unet = new UNet2DConditionModel(preset.UNet, WeightFit.ShapeOnly))
            DiffusersFolderWriter.WriteUNet(outDir, preset.UNet, unet, RandomWeights(unet, generator), metadata);

        ByteLevelVocabulary.Write(Path.Combine(outDir, "tokenizer"));
        DiffusersFolderWriter.WriteScheduler(outDir);
        DiffusersFolderWriter.WriteModelIndex(outDir);
    }

    private static Func<string, torch.Tensor> RandomWeights(torch.nn.Module module, torch.Generator generator)
    {
        var shapes = module.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape, StringComparer.Ordinal);
        return name => RandomWeight(name, shapes[name], generator);
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
