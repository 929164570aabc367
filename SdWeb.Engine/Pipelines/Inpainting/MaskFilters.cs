using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace SdWeb.Engine.Pipelines.Inpainting;

/// <summary>AUTOMATIC1111's mask preprocessing on 8-bit masks: invert, Gaussian blur, and the overlay's alpha.</summary>
internal static class MaskFilters
{
    public static Image<L8> Inverted(Image<L8> mask) => Map(mask, v => (byte)(255 - v));

    /// <summary>
    /// A1111's mask blur: cv2.GaussianBlur along x with kernel (k, 1), then along y with (1, k), k = 2·int(2.5σ + 0.5) + 1,
    /// edges mirrored without repeating the border pixel (cv2's BORDER_REFLECT_101). Computed in float and rounded;
    /// cv2's 8-bit fixed-point arithmetic can differ by one level.
    /// </summary>
    public static Image<L8> Blurred(Image<L8> mask, int sigma)
    {
        if (sigma <= 0) return mask.Clone();
        var kernel = GaussianKernel(sigma);
        int w = mask.Width, h = mask.Height;
        var pixels = Pixels(mask);
        var horizontal = Convolve(pixels, w, h, kernel, (x, y) => (x, y));
        var vertical = Convolve(horizontal, h, w, kernel, (y, x) => (x, y));
        return Image.LoadPixelData<L8>(vertical, w, h);
    }

    /// <summary>A1111's mask_for_overlay without "only masked": clip(mask · 2, 0, 255), so the overlay hides the soft edge's outer half.</summary>
    public static Image<L8> OverlayAlpha(Image<L8> mask) => Map(mask, v => (byte)Math.Min(v * 2, 255));

    /// <summary>cv2.getGaussianKernel(k, σ): exp(−(i − (k−1)/2)² / 2σ²), normalised to sum 1.</summary>
    internal static double[] GaussianKernel(int sigma)
    {
        int size = 2 * (int)(2.5 * sigma + 0.5) + 1;
        double center = (size - 1) / 2.0;
        var weights = Enumerable.Range(0, size).Select(i => Math.Exp(-(i - center) * (i - center) / (2.0 * sigma * sigma))).ToArray();
        double sum = weights.Sum();
        return weights.Select(v => v / sum).ToArray();
    }

    /// <summary>1-D convolution along the first coordinate of <paramref name="at"/>; (along, across) → (x, y) in the image.</summary>
    private static byte[] Convolve(byte[] source, int length, int across, double[] kernel, Func<int, int, (int X, int Y)> at)
    {
        int width = at(1, 0).X == 1 ? length : across;
        var result = new byte[source.Length];
        int radius = kernel.Length / 2;
        for (int a = 0; a < across; a++)
            for (int i = 0; i < length; i++)
            {
                double sum = 0;
                for (int k = -radius; k <= radius; k++)
                {
                    var (x, y) = at(Reflect101(i + k, length), a);
                    sum += kernel[k + radius] * source[y * width + x];
                }
                var (ox, oy) = at(i, a);
                result[oy * width + ox] = (byte)Math.Clamp(Math.Round(sum, MidpointRounding.AwayFromZero), 0, 255);
            }
        return result;
    }

    /// <summary>cv2's BORDER_REFLECT_101: …, 2, 1 | 0, 1, …, n−1 | n−2, …</summary>
    private static int Reflect101(int i, int n)
    {
        if (n == 1) return 0;
        while (i < 0 || i >= n) i = i < 0 ? -i : 2 * (n - 1) - i;
        return i;
    }

    internal static byte[] Pixels(Image<L8> image)
    {
        var bytes = new byte[image.Width * image.Height];
        image.CopyPixelDataTo(bytes);
        return bytes;
    }

    private static Image<L8> Map(Image<L8> mask, Func<byte, byte> f) =>
        Image.LoadPixelData<L8>(Pixels(mask).Select(f).ToArray(), mask.Width, mask.Height);
}
