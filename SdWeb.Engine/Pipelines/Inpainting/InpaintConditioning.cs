using SdWeb.Engine.Devices;
using SdWeb.Engine.Imaging;
using SdWeb.Engine.Pipelines.Components;
using SdWeb.Engine.Schedulers;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;

namespace SdWeb.Engine.Pipelines.Inpainting;

/// <summary>
/// diffusers 0.24's StableDiffusionInpaintPipeline around the common denoising loop: the start latents (with its
/// generator draws in its order), the 9-channel UNet input, and the 4-channel ("legacy") re-imposition of the kept region.
/// </summary>
internal sealed class InpaintConditioning
{
    private readonly torch.Tensor _latentMask;          // [B, 1, h, w], 1 = repaint
    private readonly torch.Tensor _maskedImageLatents;  // [B, 4, h, w]
    private readonly torch.Tensor? _imageLatents;       // [B, 4, h, w], drawn when needed
    private readonly torch.Tensor _noise;
    private readonly bool _nineChannel;
    private readonly bool _guided;
    private readonly IScheduler _scheduler;
    private readonly torch.Tensor _timesteps;

    public torch.Tensor StartLatents { get; }

    private InpaintConditioning(torch.Tensor latentMask, torch.Tensor maskedImageLatents, torch.Tensor? imageLatents, torch.Tensor noise,
        torch.Tensor startLatents, bool nineChannel, bool guided, IScheduler scheduler, torch.Tensor timesteps)
    {
        (_latentMask, _maskedImageLatents, _imageLatents, _noise) = (latentMask, maskedImageLatents, imageLatents, noise);
        (StartLatents, _nineChannel, _guided, _scheduler, _timesteps) = (startLatents, nineChannel, guided, scheduler, timesteps);
    }

    /// <param name="image">The (prepared) init image, any size: resized to width × height.</param>
    /// <param name="mask">The (prepared) mask, same size as <paramref name="image"/>; ≥ 128 = repaint.</param>
    public static InpaintConditioning Prepare(Image<Rgb24> image, Image<L8> mask, int width, int height, int batch, double strength,
        bool nineChannel, bool guided, IScheduler scheduler, torch.Tensor timesteps, ILatentAutoencoder vae, ModelPlacement placement,
        torch.Generator generator)
    {
        var (device, dtype) = (placement.Device, placement.DType);
        var pixels = TensorImages.ToModelInput(image, width, height, device, vae.DType);
        var pixelMask = MaskTensors.Binarized(mask, width, height).to(pixels.dtype, device);
        bool fullStrength = strength == 1.0;

        // The draws in diffusers' order: image latents (4-channel, or when noising them), noise, masked-image latents.
        torch.Tensor? imageLatents = null;
        if (!nineChannel || !fullStrength)
            imageLatents = Repeat(EncodeScaled(vae, pixels, generator, dtype), batch);
        long[] latentShape = [batch, 4, height / StableDiffusionPipeline.LatentScale, width / StableDiffusionPipeline.LatentScale];
        var noise = SeededNoise.Randn(latentShape, dtype, device, generator);
        var start = fullStrength
            ? noise * scheduler.InitNoiseSigma
            : scheduler.AddNoise(imageLatents!, noise, timesteps.narrow(0, 0, 1).repeat(batch));

        var maskedImage = pixels * (pixelMask < 0.5).to(pixels.dtype);
        var maskedImageLatents = Repeat(EncodeScaled(vae, maskedImage, generator, dtype), batch);
        var latentMask = Repeat(torch.nn.functional.interpolate(pixelMask, [latentShape[2], latentShape[3]], mode: torch.InterpolationMode.Nearest).to(dtype), batch);
        return new InpaintConditioning(latentMask, maskedImageLatents, imageLatents, noise, start, nineChannel, guided, scheduler, timesteps);
    }

    /// <summary>The UNet's input: as scaled for a 4-channel model; latents + mask + masked-image latents for a 9-channel one.</summary>
    public torch.Tensor UnetInput(torch.Tensor scaledLatents)
    {
        if (!_nineChannel) return scaledLatents;
        var mask = _guided ? torch.cat([_latentMask, _latentMask]) : _latentMask;
        var masked = _guided ? torch.cat([_maskedImageLatents, _maskedImageLatents]) : _maskedImageLatents;
        return torch.cat([scaledLatents, mask, masked], dim: 1);
    }

    /// <summary>
    /// 4-channel models after step <paramref name="index"/>: the kept region is the init latents noised to the next
    /// timestep (after the last step: the init latents themselves).
    /// </summary>
    public torch.Tensor AfterStep(torch.Tensor latents, int index)
    {
        if (_nineChannel) return latents;
        var kept = _imageLatents!;
        if (index < _timesteps.shape[0] - 1)
            kept = _scheduler.AddNoise(kept, _noise, _timesteps.narrow(0, index + 1, 1));
        return (1 - _latentMask) * kept + _latentMask * latents;
    }

    private static torch.Tensor EncodeScaled(ILatentAutoencoder vae, torch.Tensor pixels, torch.Generator generator, torch.ScalarType dtype) =>
        (vae.EncodeSample(pixels, generator) * vae.ScalingFactor).to(dtype);

    private static torch.Tensor Repeat(torch.Tensor single, int batch) => batch == 1 ? single : single.repeat(batch, 1, 1, 1);
}
