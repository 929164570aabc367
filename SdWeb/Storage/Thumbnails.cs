using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace SdWeb.Storage;

/// <summary>Small WebP thumbnails for the gallery grid.</summary>
public static class Thumbnails
{
    public const int MaxSide = 256;
    public const string ContentType = "image/webp";

    private static readonly WebpEncoder Encoder = new() { Quality = 80 };

    public static void Save(Image<Rgb24> image, Stream output)
    {
        using var thumb = image.Clone(c => c.Resize(new ResizeOptions { Size = new Size(MaxSide, MaxSide), Mode = ResizeMode.Max }));
        thumb.Save(output, Encoder);
    }
}
