using SdWeb.Engine.Models.Vae;
using SdWeb.Engine.Pipelines.Tiling;
using TorchSharp;

namespace SdWeb.Engine.Pipelines.Components;

/// <summary>The pipeline's view of an <see cref="AutoencoderKL"/>; owns it (the fp32 upcast replaces it).</summary>
internal sealed class AutoencoderKLCodec(AutoencoderKL vae) : ILatentAutoencoder, IDisposable
{
    private AutoencoderKL _vae = vae;

    public double ScalingFactor => _vae.Config.ScalingFactor;

    public torch.ScalarType DType => _vae.Placement.DType;

    /// <summary>The current model (replaced by <see cref="UpcastToFloat32"/>).</summary>
    public AutoencoderKL Module => _vae;

    public torch.Tensor EncodeSample(torch.Tensor image, torch.Generator generator)
    {
        using var distribution = _vae.Encode(image);
        return distribution.Sample(generator);
    }

    public torch.Tensor Decode(torch.Tensor latents) => _vae.Decode(latents);

    /// <summary>Rebuilds the VAE in float32 on the same device and copies the weights over, then frees the old one.</summary>
    public void UpcastToFloat32()
    {
        if (DType == torch.ScalarType.Float32) return;
        var upcast = new AutoencoderKL(_vae.Config, _vae.Placement with { DType = torch.ScalarType.Float32 });
        using (torch.no_grad())
        {
            var source = _vae.state_dict();
            foreach (var (name, target) in upcast.state_dict()) target.copy_(source[name]);
        }
        CircularConvolutions.CopyPadding(_vae, upcast); // a tiled job goes on tiled
        KernelSelection.Copy(_vae, upcast); // and on the kernels it asked for
        _vae.Dispose();
        _vae = upcast;
    }

    public void Dispose() => _vae.Dispose();
}
