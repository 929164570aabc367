using SdWeb.Engine.Pipelines.Validation;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace SdWeb.Storage;

/// <summary>
/// An inpainting mask as the app keeps it (the bytes of the image file that was submitted), read as 8-bit gray. Its size
/// is read from the header and checked before the pixels are decoded, as for uploads.
/// </summary>
public static class MaskImage
{
    /// <exception cref="InvalidUploadException">Empty, not an image, or larger than an init image may be.</exception>
    public static Image<L8> Decode(byte[] bytes, GenerationLimits limits)
    {
        if (bytes.Length == 0) throw new InvalidUploadException("The mask is an empty file; paint a mask or upload a PNG of it.");
        try
        {
            var info = Image.Identify(bytes) ?? throw new InvalidUploadException(NotAnImage("an unknown format"));
            if ((long)info.Width * info.Height > limits.MaxInitImagePixels)
                throw new InvalidUploadException(
                    $"The mask declares {info.Width}x{info.Height} pixels, more than the limit of {limits.MaxInitImagePixels}; paint it on a smaller image.");
            return Image.Load<L8>(bytes);
        }
        catch (Exception e) when (e is ImageFormatException or InvalidDataException or NotSupportedException)
        {
            throw new InvalidUploadException(NotAnImage(e.Message));
        }
    }

    private static string NotAnImage(string why) => $"The mask is not a readable image ({why}); send a PNG, white where the image should change.";
}
