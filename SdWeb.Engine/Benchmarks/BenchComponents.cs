using SdWeb.Engine.Pipelines;
using SdWeb.Engine.Pipelines.Components;
using TorchSharp;

namespace SdWeb.Engine.Benchmarks;

/// <summary>One model call `bench --component NAME` times, as the pipeline makes it at an image size.</summary>
/// <param name="Model">The model whose parameters the call uses (a key of StableDiffusionComponents.ParameterCounts).</param>
/// <param name="Prepare">Builds the call (inputs made once) for loaded components and an image size.</param>
/// <param name="Flops">The call's floating-point work for a model and an image size.</param>
internal sealed record BenchComponent(string Description, string Model, Func<StableDiffusionComponents, int, Action> Prepare, Func<BenchModel, int, double> Flops);

/// <summary>
/// The models `bench --component NAME` times (UNet: a classifier-free-guidance batch of 2). Adding a component is one entry here.
/// </summary>
internal static class BenchComponents
{
    private const string Prompt = "a photograph of an astronaut riding a horse";
    private const int Latent = StableDiffusionPipeline.LatentScale;

    public static readonly IReadOnlyDictionary<string, BenchComponent> All = new Dictionary<string, BenchComponent>
    {
        ["text"] = new("CLIP text encoder, 2 prompts", "text", PrepareText, (m, _) => FlopCounts.TextEncoder(m.TextEncoder, 2)),
        ["unet"] = new("UNet, batch 2 (CFG)", "unet", PrepareUnet, (m, size) => FlopCounts.UNet(m.UNet, 2, size / Latent, size / Latent)),
        ["vae-decode"] = new("VAE decode, 1 image", "vae", (c, size) =>
            {
                var latents = Constant(torch.randn([1, 4, size / Latent, size / Latent]), c);
                return () => Run(() => c.Vae.Decode(latents.to(c.Vae.DType)));
            },
            (m, size) => FlopCounts.VaeDecode(m.Vae, 1, size / Latent, size / Latent)),
        ["vae-encode"] = new("VAE encode + sample, 1 image", "vae", (c, size) =>
            {
                var image = Constant(torch.rand([1, 3, size, size]) * 2 - 1, c);
                var generator = new torch.Generator(0);
                return () => Run(() => c.Vae.EncodeSample(image.to(c.Vae.DType), generator));
            },
            (m, size) => FlopCounts.VaeEncode(m.Vae, 1, size, size)),
    };

    /// <summary>New prompts every run: the encoder keeps recent prompts' encodings, and this times the model.</summary>
    private static Action PrepareText(StableDiffusionComponents c, int size)
    {
        var run = 0;
        return () =>
        {
            run++;
            Run(() => c.TextEncoder.Encode([$"{Prompt}, take {run}", $"take {run}"]));
        };
    }

    private static Action PrepareUnet(StableDiffusionComponents c, int size)
    {
        torch.Tensor embeds;
        using (torch.no_grad()) embeds = c.TextEncoder.Encode([Prompt, ""]).DetachFromDisposeScope();
        var sample = Constant(torch.randn([2, 4, size / Latent, size / Latent]), c);
        var timestep = Constant(torch.tensor(500f), c, torch.ScalarType.Float32);
        return () => Run(() => c.Unet.PredictNoise(sample, timestep, embeds));
    }

    private static torch.Tensor Constant(torch.Tensor cpu, StableDiffusionComponents c, torch.ScalarType? dtype = null) =>
        cpu.to(dtype ?? c.Placement.DType, c.Placement.Device, disposeAfter: true).DetachFromDisposeScope();

    private static void Run(Func<torch.Tensor> call)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        call();
    }
}
