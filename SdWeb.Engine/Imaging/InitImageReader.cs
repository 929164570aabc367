using SdWeb.Engine.Pipelines.Validation;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace SdWeb.Engine.Imaging;

/// <summary>Reads an img2img source image, checking its size from the header before decoding the pixels.</summary>
public static class InitImageReader
{
    /// <exception cref="ArgumentException">The file is missing, not an image, or larger than the limits allow.</exception>
    public static Image<Rgb24> Read(string path, GenerationLimits limits)
    {
        if (!File.Exists(path))
            throw new ArgumentException($"Init image '{path}' does not exist; give the path of a PNG, JPEG, WebP, BMP or GIF file.");
        using var file = File.OpenRead(path);
        return Read(file, limits, $"Init image '{path}'");
    }

    public static Image<Rgb24> Read(Stream stream, GenerationLimits limits, string name = "Init image")
    {
        try
        {
            var info = Image.Identify(stream)
                ?? throw new ArgumentException($"{name} is not an image format that can be read; use PNG, JPEG, WebP, BMP or GIF.");
            long pixels = (long)info.Width * info.Height;
            if (pixels > limits.MaxInitImagePixels)
                throw new ArgumentException(
                    $"{name} is {info.Width}x{info.Height} ({pixels} pixels), more than the limit of {limits.MaxInitImagePixels}; scale it down first.");
            stream.Position = 0;
            return Image.Load<Rgb24>(stream);
        }
        catch (Exception e) when (e is UnknownImageFormatException or InvalidImageContentException)
        {
            throw new ArgumentException($"{name} cannot be read as an image ({e.Message}); use a valid PNG, JPEG, WebP, BMP or GIF file.", e);
        }
    }
}
