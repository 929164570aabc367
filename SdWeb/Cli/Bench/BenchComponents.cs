using SdWeb.Engine.Pipelines.Components;
using TorchSharp;

namespace SdWeb.Cli.Bench;

/// <summary>
/// The models `bench --component NAME` times, one call each as the pipeline makes it at the given image size
/// (UNet: a classifier-free-guidance batch of 2). Adding a component is one entry here.
/// </summary>
public static class BenchComponents
{
    private const string Prompt = "a photograph of an astronaut riding a horse";

    /// <summary>name → (what one call is, the model whose parameters it uses, a factory of the call for these components and size).</summary>
    public static readonly IReadOnlyDictionary<string, (string Description, string Model, Func<StableDiffusionComponents, int, Action> Prepare)> All =
        new Dictionary<string, (string, string, Func<StableDiffusionComponents, int, Action>)>
        {
            ["text"] = ("CLIP text encoder, 2 prompts", "text", (c, _) => () => Run(() => c.TextEncoder.Encode([Prompt, ""]))),
            ["unet"] = ("UNet, batch 2 (CFG)", "unet", PrepareUnet),
            ["vae-decode"] = ("VAE decode, 1 image", "vae", (c, size) =>
            {
                var latents = Constant(torch.randn([1, 4, size / 8, size / 8]), c);
                return () => Run(() => c.Vae.Decode(latents.to(c.Vae.DType)));
            }),
            ["vae-encode"] = ("VAE encode + sample, 1 image", "vae", (c, size) =>
            {
                var image = Constant(torch.rand([1, 3, size, size]) * 2 - 1, c);
                var generator = new torch.Generator(0);
                return () => Run(() => c.Vae.EncodeSample(image.to(c.Vae.DType), generator));
            }),
        };

    private static Action PrepareUnet(StableDiffusionComponents c, int size)
    {
        torch.Tensor embeds;
        using (torch.no_grad()) embeds = c.TextEncoder.Encode([Prompt, ""]).DetachFromDisposeScope();
        var sample = Constant(torch.randn([2, 4, size / 8, size / 8]), c);
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
