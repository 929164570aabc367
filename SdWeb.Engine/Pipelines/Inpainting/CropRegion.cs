using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace SdWeb.Engine.Pipelines.Inpainting;

/// <summary>A rectangle of an image, right and bottom exclusive, as AUTOMATIC1111's masking module computes it for "only masked".</summary>
internal sealed record CropRegion(int Left, int Top, int Right, int Bottom)
{
    public int Width => Right - Left;
    public int Height => Bottom - Top;

    /// <summary>
    /// masking.get_crop_region: the bounding box of the mask's non-zero pixels, <paramref name="padding"/> wider on every
    /// side, clamped to the image; null for an all-black mask.
    /// </summary>
    public static CropRegion? AroundMask(Image<L8> mask, int padding)
    {
        var pixels = MaskFilters.Pixels(mask);
        int w = mask.Width, h = mask.Height;
        int left = w, top = h, right = -1, bottom = -1;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                if (pixels[y * w + x] != 0)
                    (left, top, right, bottom) = (Math.Min(left, x), Math.Min(top, y), Math.Max(right, x), Math.Max(bottom, y));
        if (right < 0) return null;
        return new CropRegion(Math.Max(left - padding, 0), Math.Max(top - padding, 0), Math.Min(right + 1 + padding, w), Math.Min(bottom + 1 + padding, h));
    }

    /// <summary>
    /// masking.expand_crop_region: grows the short side so the region has the aspect ratio of the generation size,
    /// split evenly on both sides, shifted back inside the image where it would leave it.
    /// </summary>
    public CropRegion ExpandedTo(int processingWidth, int processingHeight, int imageWidth, int imageHeight)
    {
        double ratioCrop = (double)Width / Height, ratioProcessing = (double)processingWidth / processingHeight;
        if (ratioCrop > ratioProcessing)
        {
            var (top, bottom) = Grow(Top, Bottom, (int)(Width / ratioProcessing - Height), imageHeight);
            return this with { Top = top, Bottom = bottom };
        }
        var (left, right) = Grow(Left, Right, (int)(Height * ratioProcessing - Width), imageWidth);
        return this with { Left = left, Right = right };
    }

    private static (int Low, int High) Grow(int low, int high, int diff, int limit)
    {
        low -= FloorHalf(diff);
        high += diff - FloorHalf(diff);
        if (high >= limit)
        {
            int over = high - limit;
            (high, low) = (high - over, low - over);
        }
        if (low < 0) (high, low) = (high - low, 0);
        return (low, Math.Min(high, limit));
    }

    /// <summary>Python's diff // 2 (rounds towards −∞; diff is never negative here but stay exact).</summary>
    private static int FloorHalf(int diff) => (int)Math.Floor(diff / 2.0);
}
