using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace SdWeb.Engine.Pipelines.Inpainting;

/// <summary>
/// AUTOMATIC1111's apply_overlay: "only masked" results are resized to their crop region and pasted into the init image;
/// with the overlay, the init image with alpha = 255 − overlay mask is composited over the result, so pixels where
/// that mask is 0 are the source's exactly.
/// </summary>
internal static class InpaintComposite
{
    public static Image<Rgb24> Apply(Image<Rgb24> result, GenerationRequest request, InpaintInputs inputs)
    {
        var init = request.InitImage!;
        if (inputs.Crop is { } crop)
        {
            var pasted = init.Clone();
            using var fitted = result.Clone(c => c.Resize(crop.Width, crop.Height, KnownResamplers.Lanczos3));
            pasted.Mutate(c => c.DrawImage(fitted, new Point(crop.Left, crop.Top), 1f));
            if (!request.MaskOverlay) return pasted;
            using (pasted) return Overlay(pasted, init, inputs.FullMask);
        }
        if (!request.MaskOverlay) return result.Clone();
        using var source = Fit(init, result.Width, result.Height);
        using var mask = Fit(inputs.FullMask, result.Width, result.Height);
        using var alpha = MaskFilters.OverlayAlpha(mask);
        return Overlay(result, source, alpha);
    }

    /// <summary>target = source · (255 − m) / 255 + target · m / 255, rounded: m = 0 keeps the source exactly, m = 255 the result.</summary>
    private static Image<Rgb24> Overlay(Image<Rgb24> target, Image<Rgb24> source, Image<L8> mask)
    {
        var m = MaskFilters.Pixels(mask);
        var src = new byte[source.Width * source.Height * 3];
        source.CopyPixelDataTo(src);
        var dst = new byte[target.Width * target.Height * 3];
        target.CopyPixelDataTo(dst);
        for (int i = 0; i < dst.Length; i++)
        {
            int keep = 255 - m[i / 3];
            dst[i] = (byte)((src[i] * keep + dst[i] * (255 - keep) + 127) / 255);
        }
        return Image.LoadPixelData<Rgb24>(dst, target.Width, target.Height);
    }

    private static Image<TPixel> Fit<TPixel>(Image<TPixel> image, int width, int height) where TPixel : unmanaged, IPixel<TPixel> =>
        image.Width == width && image.Height == height ? image.Clone() : image.Clone(c => c.Resize(width, height, KnownResamplers.Lanczos3));
}
