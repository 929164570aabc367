using SdWeb.Engine.Pipelines;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace SdWeb.Generation;

/// <summary>Turns the engine's raw RGB preview into a small JPEG for browsers.</summary>
public static class PreviewEncoder
{
    /// <summary>Longest side of an encoded preview; browsers scale it up, previews only show the picture forming.</summary>
    public const int MaxSide = 256;

    private static readonly JpegEncoder Encoder = new() { Quality = 75 };

    public static byte[] ToJpeg(PreviewImage preview)
    {
        var expected = preview.Width * preview.Height * 3;
        if (preview.Rgb.Length != expected)
            throw new ArgumentException(
                $"A {preview.Width}×{preview.Height} RGB preview needs {expected} bytes but has {preview.Rgb.Length}.", nameof(preview));

        using var image = Image.LoadPixelData<Rgb24>(preview.Rgb, preview.Width, preview.Height);
        if (Math.Max(image.Width, image.Height) > MaxSide)
            image.Mutate(x => x.Resize(new ResizeOptions { Size = new Size(MaxSide, MaxSide), Mode = ResizeMode.Max }));
        using var stream = new MemoryStream();
        image.SaveAsJpeg(stream, Encoder);
        return stream.ToArray();
    }
}
