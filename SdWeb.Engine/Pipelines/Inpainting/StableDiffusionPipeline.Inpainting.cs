using SdWeb.Engine.Imaging;
using SdWeb.Engine.Pipelines.Inpainting;
using SdWeb.Engine.Schedulers;
using TorchSharp;

namespace SdWeb.Engine.Pipelines;

internal sealed partial class StableDiffusionPipeline
{
    /// <summary>In-channels of an inpainting UNet: latents 4 + mask 1 + masked-image latents 4.</summary>
    private const int InpaintingUNetChannels = 9;

    /// <summary>A 9-channel UNet needs its mask and masked image; diffusers' plain pipelines fail on it inside the UNet.</summary>
    private void ThrowIfInpaintingModelWithoutMask(GenerationRequest request)
    {
        if (_components.Unet.InChannels == InpaintingUNetChannels && request.Mask is null)
            throw new ArgumentException(
                $"{_components.Model.Name} is an inpainting model (9-channel UNet): give an init image and a mask (Mask), or load a regular model.", nameof(request));
    }

    private InpaintConditioning PrepareInpainting(GenerationRequest request, int batch, bool guided, IScheduler scheduler, torch.Tensor timesteps,
        torch.Generator generator)
    {
        using var inputs = InpaintInputs.Prepare(request);
        return InpaintConditioning.Prepare(inputs.Image, inputs.Mask, request.Width, request.Height, batch, request.Strength,
            _components.Unet.InChannels == InpaintingUNetChannels, guided, scheduler, timesteps, _components.Vae, _components.Placement, generator);
    }

    /// <summary>"np" images of the decoded batch; for inpainting with overlay or "only masked", composited with the init image as A1111 does.</summary>
    private static torch.Tensor FinishImages(GenerationRequest request, torch.Tensor decoded)
    {
        var images = TensorImages.Postprocess(decoded);
        if (request.Mask is null || !(request.MaskOverlay || request.InpaintOnlyMasked)) return images;
        using (images)
        using (var inputs = InpaintInputs.Prepare(request))
        {
            var composited = new List<torch.Tensor>();
            for (int k = 0; k < images.shape[0]; k++)
            {
                using var hwc = images[k];
                using var result = TensorImages.ToImage(hwc);
                using var final = InpaintComposite.Apply(result, request, inputs);
                var bytes = new byte[final.Width * final.Height * 3];
                final.CopyPixelDataTo(bytes);
                composited.Add(torch.tensor(bytes, [1, final.Height, final.Width, 3]).to(torch.ScalarType.Float32) / 255.0f);
            }
            return torch.cat(composited);
        }
    }
}
