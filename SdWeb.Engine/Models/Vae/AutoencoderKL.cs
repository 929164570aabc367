using SdWeb.Engine.Devices;
using SdWeb.Engine.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SdWeb.Engine.Models.Vae;

/// <summary>
/// diffusers' AutoencoderKL (autoencoder_kl.py): <see cref="Encode"/> maps an image in [-1, 1] to a latent distribution,
/// <see cref="Decode"/> maps latents back to an image. Neither applies the scaling factor; the pipeline does. Images above
/// 512² are encoded and decoded in overlapping tiles (<see cref="VaeTiling"/>), so memory stays that of a 512² image.
/// </summary>
internal sealed class AutoencoderKL : nn.Module
{
    private readonly Encoder encoder;
    private readonly Decoder decoder;
    private readonly Conv2d quant_conv;
    private readonly Conv2d post_quant_conv;

    public AutoencoderKLConfig Config { get; }
    public ModelPlacement Placement { get; }

    public AutoencoderKL(AutoencoderKLConfig config, ModelPlacement placement) : base(nameof(AutoencoderKL))
    {
        VaeConfigValidation.Check(config);
        Config = config;
        Placement = placement;
        var latent = config.LatentChannels;
        encoder = new Encoder(config, placement);
        decoder = new Decoder(config, placement);
        quant_conv = nn.Conv2d(2 * latent, 2 * latent, 1, device: placement.Device, dtype: placement.DType);
        post_quant_conv = nn.Conv2d(latent, latent, 1, device: placement.Device, dtype: placement.DType);
        RegisterComponents();
    }

    /// <summary>The decoder's row bands (<see cref="Decoder.Bands"/>): null decodes whole maps.</summary>
    internal DecoderBands? DecoderBands
    {
        get => decoder.Bands;
        set => decoder.Bands = value;
    }

    /// <summary>A 512² image tile in latents: 64² for SD's ×8 VAE.</summary>
    private int LatentTile => VaeTiling.ImageTile / ImageScale;

    /// <summary>Image pixels per latent: 8 for SD's four blocks.</summary>
    private int ImageScale => 1 << (Config.BlockOutChannels.Count - 1);

    /// <param name="image">[B, in_channels, H, W] in [-1, 1], on the model's device and dtype.</param>
    /// <returns>The latent distribution; its tensors belong to the caller (dispose it).</returns>
    public DiagonalGaussianDistribution Encode(Tensor image)
    {
        using var noGrad = no_grad();
        return EncodeRecordingGradients(image);
    }

    /// <summary><see cref="Encode"/> with autograd recording, for training.</summary>
    public DiagonalGaussianDistribution EncodeRecordingGradients(Tensor image)
    {
        VaeConfigValidation.CheckInput(Config.InChannels, Placement, image, nameof(image));
        using var scope = NewDisposeScope();
        var activations = image.to(MixedPrecision.ActivationDType(Placement));
        Tensor EncodeTile(Tensor tile) => quant_conv.RunInInputDType(encoder.forward(tile.ToChannelsLast())); // oneDNN's NHWC kernels
        var moments = VaeTiling.Needed(activations, VaeTiling.ImageTile)
            ? VaeTiling.Map(activations, VaeTiling.ImageTile, LatentTile, EncodeTile) : EncodeTile(activations);
        moments = moments.to(Placement.DType).contiguous();
        return new DiagonalGaussianDistribution(moments).MoveToOuterDisposeScope();
    }

    /// <param name="latents">[B, latent_channels, h, w], already divided by the scaling factor.</param>
    /// <returns>[B, out_channels, 8h, 8w] (for SD's four blocks), roughly in [-1, 1].</returns>
    public Tensor Decode(Tensor latents) => Decode(latents, LatentTile);

    /// <param name="latentTile">Tiles of this many latents above it (<see cref="VaeTiling"/>); int.MaxValue decodes whole.</param>
    internal Tensor Decode(Tensor latents, int latentTile)
    {
        using var noGrad = no_grad();
        return DecodeRecordingGradients(latents, latentTile);
    }

    /// <summary><see cref="Decode"/> with autograd recording, for training.</summary>
    public Tensor DecodeRecordingGradients(Tensor latents) => DecodeRecordingGradients(latents, LatentTile);

    private Tensor DecodeRecordingGradients(Tensor latents, int latentTile)
    {
        VaeConfigValidation.CheckInput(Config.LatentChannels, Placement, latents, nameof(latents));
        using var scope = NewDisposeScope();
        var activations = latents.to(MixedPrecision.ActivationDType(Placement));
        Tensor DecodeTile(Tensor tile) => decoder.forward(post_quant_conv.RunInInputDType(tile.ToChannelsLast())); // oneDNN's NHWC kernels
        var image = VaeTiling.Needed(activations, latentTile)
            ? VaeTiling.Map(activations, latentTile, latentTile * ImageScale, DecodeTile) : DecodeTile(activations);
        return image.to(Placement.DType).contiguous().MoveToOuterDisposeScope();
    }
}
