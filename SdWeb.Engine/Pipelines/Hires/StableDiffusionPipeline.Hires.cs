using System.Diagnostics;
using SdWeb.Engine.Devices;
using SdWeb.Engine.Imaging;
using SdWeb.Engine.Pipelines.Hires;
using SdWeb.Engine.Schedulers;
using TorchSharp;

namespace SdWeb.Engine.Pipelines;

internal sealed partial class StableDiffusionPipeline
{
    /// <summary>
    /// AUTOMATIC1111's hires fix after the first pass: enlarge, then img2img at the target size with a fresh generator
    /// from the same seed (its first draw is the add_noise noise; the image upscaler's VAE sample comes before it, as
    /// diffusers' img2img draws it) over the last int(n · denoise) of n = int(steps / denoise) scheduler steps.
    /// </summary>
    private (torch.Tensor Timesteps, torch.Tensor Latents) HiresPass(GenerationRequest request, DenoisingPass first, torch.Tensor latents,
        torch.Tensor promptEmbeds, bool guided, long seed, IProgress<StepProgress>? progress, CancellationToken cancellationToken)
    {
        var hires = request.Hires!;
        int width = hires.WidthFor(request.Width), height = hires.HeightFor(request.Height);
        using var generator = new torch.Generator((ulong)seed, torch.CPU);
        var upscaled = hires.Upscaler switch
        {
            HiresUpscaler.Latent => LatentUpscale.Bilinear(latents, height / LatentScale, width / LatentScale),
            HiresUpscaler.LatentNearest => LatentUpscale.Nearest(latents, height / LatentScale, width / LatentScale),
            _ => LanczosUpscale(latents, width, height, generator),
        };
        latents.Dispose();

        using var scheduler = SchedulerFactory.Create(request.Sampler, SchedulerConfigFor(request));
        int scheduleSteps = hires.ScheduleSteps(request.Steps);
        scheduler.SetTimesteps(scheduleSteps);
        int start = Img2ImgSchedule.StartIndex(scheduleSteps, hires.Denoise, scheduler.Order);
        var timesteps = scheduler.Timesteps.narrow(0, start, scheduler.Timesteps.shape[0] - start);
        var noise = SeededNoise.Randn(upscaled, generator);
        var noised = scheduler.AddNoise(upscaled, noise, timesteps.narrow(0, 0, 1).repeat(upscaled.shape[0]));
        var pass = first with { Scheduler = scheduler, Timesteps = timesteps, StepsBefore = (int)first.Timesteps.shape[0], Inpaint = null };
        return (timesteps, Denoise(request, pass, noised, promptEmbeds, guided, generator, progress, cancellationToken));
    }

    /// <summary>A1111's image upscalers: decode to 8-bit images, resize (Lanczos3), encode the batch with the VAE (one sample draw).</summary>
    private torch.Tensor LanczosUpscale(torch.Tensor latents, int width, int height, torch.Generator generator)
    {
        var vae = _components.Vae;
        using var images = TensorImages.Postprocess(DecodeChecked(latents));
        var inputs = new List<torch.Tensor>();
        for (int k = 0; k < images.shape[0]; k++)
        {
            using var hwc = images[k];
            using var image = TensorImages.ToImage(hwc);
            inputs.Add(TensorImages.ToModelInput(image, width, height, _components.Placement.Device, vae.DType));
        }
        return (vae.EncodeSample(torch.cat(inputs), generator) * vae.ScalingFactor).to(_components.Placement.DType);
    }
}
