namespace SdWeb.Engine.Pipelines.Hires;

/// <summary>How the first pass is enlarged, by AUTOMATIC1111's names.</summary>
public enum HiresUpscaler
{
    /// <summary>"Latent": bilinear interpolation of the latents (align_corners false, no antialias).</summary>
    Latent,

    /// <summary>"Latent (nearest)": nearest-neighbour interpolation of the latents.</summary>
    LatentNearest,

    /// <summary>"Lanczos": decode, resize the image (Lanczos3), encode again with the VAE.</summary>
    Lanczos,
}
