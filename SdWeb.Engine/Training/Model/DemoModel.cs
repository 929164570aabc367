using SdWeb.Engine.Devices;
using SdWeb.Engine.Loading.Diffusers;
using SdWeb.Engine.Models.Clip;
using SdWeb.Engine.Models.Unet;
using SdWeb.Engine.Models.Vae;
using SdWeb.Engine.Training.Scenes;
using TorchSharp;
using static TorchSharp.torch;

namespace SdWeb.Engine.Training.Model;

/// <summary>
/// The three networks being trained, built from <see cref="DemoModelShapes"/> with the engine's own model classes, in
/// float32 on the CPU. Weights start from one seeded generator (not the process-wide one, which other code draws
/// from): normal with std 1/√fan-in for kernels, matrices and embeddings, 1 for norm scales, 0 for biases.
/// </summary>
internal sealed class DemoModel : IDisposable
{
    public DemoModel(long seed)
    {
        Vocabulary = WordVocabulary.Build(SceneCaptions.Words);
        Vae = new AutoencoderKL(DemoModelShapes.Vae(1.0), ModelPlacement.CpuFloat32);
        TextEncoder = new ClipTextModel(DemoModelShapes.TextEncoder(Vocabulary), ModelPlacement.CpuFloat32);
        UNet = new UNet2DConditionModel(DemoModelShapes.UNet, ModelPlacement.CpuFloat32);
        using var generator = new Generator((ulong)seed);
        foreach (var module in Modules) Initialise(module, generator);
    }

    public WordVocabulary Vocabulary { get; }
    public AutoencoderKL Vae { get; }
    public ClipTextModel TextEncoder { get; }
    public UNet2DConditionModel UNet { get; }

    private IEnumerable<(string Name, nn.Module Module)> NamedModules => [("vae", Vae), ("text_encoder", TextEncoder), ("unet", UNet)];
    private IEnumerable<nn.Module> Modules => NamedModules.Select(m => m.Module);

    /// <summary>Every weight, by module and parameter name, for checkpoints and reproducibility hashes.</summary>
    public IEnumerable<(string Name, Tensor Weight)> Weights =>
        NamedModules.SelectMany(m => m.Module.named_parameters().Select(p => ($"{m.Name}.{p.name}", (Tensor)p.parameter)));

    /// <summary>Writes the diffusers folder the pipeline loads, with the VAE's measured scaling factor in its config.</summary>
    public void WriteDiffusers(string modelDir, double scalingFactor, IReadOnlyDictionary<string, string> metadata)
    {
        Directory.CreateDirectory(modelDir);
        DiffusersFolderWriter.WriteTextEncoder(modelDir, TextEncoder.Config, TextEncoder, CopyOf(TextEncoder), metadata);
        DiffusersFolderWriter.WriteVae(modelDir, DemoModelShapes.Vae(scalingFactor), Vae, CopyOf(Vae), metadata);
        DiffusersFolderWriter.WriteUNet(modelDir, UNet.Config, UNet, CopyOf(UNet), metadata);
        Vocabulary.Write(Path.Combine(modelDir, "tokenizer"));
        DiffusersFolderWriter.WriteScheduler(modelDir);
        DiffusersFolderWriter.WriteModelIndex(modelDir);
    }

    public void Dispose()
    {
        foreach (var module in Modules) module.Dispose();
    }

    private static Func<string, Tensor> CopyOf(nn.Module module)
    {
        var parameters = module.named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
        return name => parameters[name].detach().clone();
    }

    private static void Initialise(nn.Module module, Generator generator)
    {
        using var noGrad = no_grad();
        foreach (var (name, parameter) in module.named_parameters())
        {
            if (name.EndsWith(".bias", StringComparison.Ordinal)) parameter.zero_();
            else if (parameter.dim() == 1) parameter.fill_(1.0);
            else
            {
                long fanIn = parameter.shape.Skip(1).Aggregate(1L, (a, b) => a * b);
                using var values = randn(parameter.shape, generator: generator).mul_(1.0 / Math.Sqrt(fanIn));
                parameter.copy_(values);
            }
            parameter.requires_grad = true; // the norms' scales are made without gradients, for inference
        }
    }
}
