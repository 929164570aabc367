using TorchSharp;

namespace SdWeb.Engine.Pipelines.Components;

/// <summary>The VAE between images in [-1, 1] and unscaled latents (the pipeline applies the scaling factor).</summary>
internal interface ILatentAutoencoder
{
    double ScalingFactor { get; }

    torch.ScalarType DType { get; }

    /// <summary>A sample of the latent distribution, drawn from <paramref name="generator"/> as diffusers' latent_dist.sample does.</summary>
    torch.Tensor EncodeSample(torch.Tensor image, torch.Generator generator);

    torch.Tensor Decode(torch.Tensor latents);

    /// <summary>Converts the VAE to float32 for good (diffusers' upcast_vae), the cure for fp16 decodes that overflow.</summary>
    void UpcastToFloat32();
}
