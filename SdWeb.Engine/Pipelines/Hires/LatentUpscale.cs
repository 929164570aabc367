using TorchSharp;

namespace SdWeb.Engine.Pipelines.Hires;

/// <summary>AUTOMATIC1111's latent upscale modes: torch's interpolate to the target latent size.</summary>
internal static class LatentUpscale
{
    /// <summary>"Latent": bilinear, align_corners false, no antialias.</summary>
    public static torch.Tensor Bilinear(torch.Tensor latents, long height, long width) =>
        torch.nn.functional.interpolate(latents, [height, width], mode: torch.InterpolationMode.Bilinear, align_corners: false);

    /// <summary>"Latent (nearest)".</summary>
    public static torch.Tensor Nearest(torch.Tensor latents, long height, long width) =>
        torch.nn.functional.interpolate(latents, [height, width], mode: torch.InterpolationMode.Nearest);
}
