using SdWeb.Engine.Pipelines.Hires;
using SdWeb.Generation;

namespace SdWeb.Api.A1111;

/// <summary>
/// AUTOMATIC1111's inpainting, hires-fix and variation-seed fields as a <see cref="JobRequest"/>'s. Its own checks are
/// only those of A1111's spelling (base64, upscaler names, 0/1 flags); the values are checked by the job submitter.
/// </summary>
public static class A1111InpaintHires
{
    /// <summary>inpainting_fill values: 0 fill, 1 original, 2 latent noise, 3 latent nothing; SdWeb starts from the original.</summary>
    private const int OriginalFill = 1;

    public static JobRequest Apply(JobRequest request, A1111Payload payload, Dictionary<string, string[]> errors, List<string> warnings)
    {
        request = request with
        {
            Subseed = payload.Subseed < 0 ? null : payload.Subseed,
            SubseedStrength = payload.SubseedStrength,
        };
        return WithHires(WithMask(request, payload, errors, warnings), payload, errors);
    }

    private static JobRequest WithMask(JobRequest request, A1111Payload payload, Dictionary<string, string[]> errors, List<string> warnings)
    {
        if (string.IsNullOrEmpty(payload.Mask)) return request;
        var bytes = A1111Base64.Decode(payload.Mask);
        if (bytes is null) errors["mask"] = ["mask is not base64; send the mask image file's bytes base64-encoded (white = repaint)."];
        if (payload.InpaintingMaskInvert is not (0 or 1))
            errors["inpainting_mask_invert"] = [$"inpainting_mask_invert must be 0 (inpaint masked) or 1 (inpaint not masked), not {payload.InpaintingMaskInvert}."];
        if (payload.InpaintingFill != OriginalFill)
            warnings.Add($"inpainting_fill: {payload.InpaintingFill} is done as 1 (original); the masked area starts from the source image.");
        return request with
        {
            Mask = bytes,
            MaskBlur = payload.MaskBlur,
            InvertMask = payload.InpaintingMaskInvert == 1,
            InpaintOnlyMasked = payload.InpaintFullRes,
            InpaintPadding = payload.InpaintFullResPadding,
            MaskOverlay = true, // AUTOMATIC1111 always pastes the result over the original
        };
    }

    private static JobRequest WithHires(JobRequest request, A1111Payload payload, Dictionary<string, string[]> errors)
    {
        if (!payload.EnableHr) return request;
        var upscaler = payload.HrUpscaler is null ? HiresUpscaler.Latent : HiresFix.ParseUpscaler(payload.HrUpscaler);
        if (upscaler is null)
            errors["hr_upscaler"] = [$"Unknown hires upscaler '{payload.HrUpscaler}'; use one of: {string.Join(", ", Enum.GetValues<HiresUpscaler>().Select(HiresFix.A1111Name))}."];
        var (width, height) = Target(payload, errors);
        return request with
        {
            Hires = new HiresFix
            {
                Upscaler = upscaler ?? HiresUpscaler.Latent,
                Scale = payload.HrScale,
                Steps = payload.HrSecondPassSteps,
                Denoise = payload.DenoisingStrength,
                TargetWidth = width,
                TargetHeight = height,
            },
        };
    }

    /// <summary>
    /// hr_resize_x/y as A1111's calculate_target_resolution reads them: one of them keeps the aspect ratio; both must keep
    /// it too, since SdWeb does not crop the enlarged image as A1111 does.
    /// </summary>
    private static (int? Width, int? Height) Target(A1111Payload p, Dictionary<string, string[]> errors)
    {
        if (p.HrResizeX < 0 || p.HrResizeY < 0 || p.Width < 1 || p.Height < 1)
        {
            if (p.HrResizeX < 0 || p.HrResizeY < 0) errors["hr_resize_x"] = ["hr_resize_x and hr_resize_y must be 0 (use hr_scale) or more."];
            return (null, null);
        }
        return (p.HrResizeX, p.HrResizeY) switch
        {
            (0, 0) => (null, null),
            (var x, 0) => (x, x * p.Height / p.Width),
            (0, var y) => (y * p.Width / p.Height, y),
            var (x, y) when (long)x * p.Height == (long)y * p.Width => (x, y),
            _ => Refuse(),
        };

        (int?, int?) Refuse()
        {
            errors["hr_resize_x"] = [$"hr_resize_x × hr_resize_y must keep the {p.Width}x{p.Height} aspect ratio (SdWeb does not crop); give only one of them."];
            return (null, null);
        }
    }
}
