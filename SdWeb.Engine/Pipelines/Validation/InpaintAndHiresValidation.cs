using System.Globalization;
using SdWeb.Engine.Pipelines.Hires;
using SdWeb.Engine.Pipelines.Inpainting;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace SdWeb.Engine.Pipelines.Validation;

/// <summary>The checks of the inpainting and hires-fix fields of a <see cref="GenerationRequest"/>.</summary>
internal static class InpaintAndHiresValidation
{
    /// <summary>A1111's mask-blur slider ends at 64.</summary>
    public const int MaxMaskBlur = 64;

    /// <param name="initImageSize">The init image's size, when known (it may not be loaded yet).</param>
    public static void Check(GenerationRequest request, GenerationLimits limits, bool hasInitImage, Size? initImageSize, Action<string, string> fail)
    {
        if (request.Mask is { } mask)
            CheckMask(request, mask, hasInitImage, initImageSize, fail);
        if (request.MaskBlur is < 0 or > MaxMaskBlur)
            fail(nameof(request.MaskBlur), $"Mask blur must be between 0 and {MaxMaskBlur} pixels, not {request.MaskBlur}.");
        if (request.InpaintPadding < 0)
            fail(nameof(request.InpaintPadding), $"Inpaint padding must be 0 or more pixels, not {request.InpaintPadding}.");
        if (request.Hires is { } hires)
            CheckHires(request, hires, hasInitImage, limits, fail);
    }

    private static void CheckMask(GenerationRequest request, Image<L8> mask, bool hasInitImage, Size? initImageSize, Action<string, string> fail)
    {
        if (!hasInitImage)
        {
            fail(nameof(request.Mask), "A mask needs an init image (InitImage) to inpaint; give the image the mask was painted on.");
            return;
        }
        if (initImageSize is { } init && (mask.Width != init.Width || mask.Height != init.Height))
        {
            fail(nameof(request.Mask), $"The mask is {mask.Width}x{mask.Height} but the init image is {init.Width}x{init.Height}; paint the mask on the image itself, at its size.");
            return;
        }
        // Binarized as diffusers does (≥ 128 repaints), after invert; blur cannot create a region from nothing.
        var pixels = MaskFilters.Pixels(mask);
        bool repaints = request.InvertMask ? pixels.Any(v => v < 128) : pixels.Any(v => v >= 128);
        if (!repaints)
            fail(nameof(request.Mask), request.InvertMask
                ? "The inverted mask is empty (the mask is all white): nothing would be repainted."
                : "The mask is empty (no pixel of 128 or more): nothing would be repainted; paint white where the image should change.");
    }

    private static void CheckHires(GenerationRequest request, HiresFix hires, bool hasInitImage, GenerationLimits limits, Action<string, string> fail)
    {
        if (hasInitImage)
            fail(nameof(request.Hires), "Hires fix is for txt2img; leave it off with an init image (use img2img at the larger size instead).");
        if (hires.TargetWidth is null != hires.TargetHeight is null)
            fail(nameof(request.Hires), "Give both hires target width and height, or neither (then the scale applies).");
        bool scaleValid = hires.TargetWidth is not null || (hires.Scale > HiresFix.MinScale && hires.Scale <= HiresFix.MaxScale);
        if (!scaleValid)
            fail(nameof(request.Hires), $"Hires scale must be more than {Num(HiresFix.MinScale)} and at most {Num(HiresFix.MaxScale)}, not {Num(hires.Scale)}.");
        if (hires.Steps < 0 || hires.Steps > limits.MaxSteps)
            fail(nameof(request.Hires), $"Hires steps must be between 0 (= the base steps) and {limits.MaxSteps}, not {hires.Steps}.");
        if (!(hires.Denoise > 0 && hires.Denoise <= 1))
            fail(nameof(request.Hires), $"Hires denoising strength must be in (0, 1], not {Num(hires.Denoise)}.");
        else if ((hires.Steps == 0 ? request.Steps : hires.Steps) / Math.Min(hires.Denoise, 0.999) > limits.MaxSteps)
            fail(nameof(request.Hires), $"Hires steps / denoising strength {Num(hires.Denoise)} makes a schedule of more than {limits.MaxSteps} steps; raise the strength.");
        else if (Img2ImgSchedule.StepsToRun(hires.ScheduleSteps(request.Steps), hires.Denoise) < 1)
            fail(nameof(request.Hires), $"Hires denoising strength {Num(hires.Denoise)} runs no step of the second pass; raise it or the hires steps.");
        if (!Enum.IsDefined(hires.Upscaler))
            fail(nameof(request.Hires), $"Unknown hires upscaler {hires.Upscaler}; use Latent, LatentNearest or Lanczos.");

        if (!scaleValid) return; // the size follows from the scale; one message is enough
        int width = hires.WidthFor(request.Width), height = hires.HeightFor(request.Height);
        if (width < 8 || height < 8 || width % 8 != 0 || height % 8 != 0)
            fail(nameof(request.Hires), $"The hires size {width}x{height} must be positive multiples of 8.");
        else if ((long)width * height > limits.MaxPixels)
            fail(nameof(request.Hires), $"The hires size {width}x{height} is {(long)width * height} pixels, more than the budget of {limits.MaxPixels}; lower the scale.");
    }

    private static string Num(double v) => v.ToString(CultureInfo.InvariantCulture);
}
