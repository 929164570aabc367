using SdWeb.Engine.Pipelines.Validation;
using SdWeb.Options;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace SdWeb.Storage;

/// <summary>
/// Reads an img2img source upload defensively: the byte count is capped while reading, the dimensions are read from the
/// header (<see cref="Image.Identify(Stream)"/>) and checked before anything is decoded, so a small file declaring a
/// huge image (a decompression bomb) is refused without allocating its pixels.
/// </summary>
public static class UploadedImage
{
    /// <exception cref="InvalidUploadException">Too large, not an image, declared too big, or damaged.</exception>
    public static async Task<Image<Rgb24>> ReadAsync(
        Stream upload, string fileName, SdWebOptions options, GenerationLimits limits, CancellationToken cancellationToken)
    {
        var bytes = await ReadCappedAsync(upload, fileName, options, cancellationToken);
        try
        {
            var info = Image.Identify(bytes)
                ?? throw new InvalidUploadException($"'{fileName}' is not an image SdWeb can read; upload a PNG, JPEG, WebP, BMP or GIF.");
            if (info.Width < 1 || info.Height < 1 || info.Width > options.MaxUploadDimension || info.Height > options.MaxUploadDimension
                || (long)info.Width * info.Height > limits.MaxInitImagePixels)
                throw new InvalidUploadException(
                    $"'{fileName}' declares {info.Width}x{info.Height} pixels; at most {options.MaxUploadDimension} on a side and " +
                    $"{limits.MaxInitImagePixels} pixels in all are accepted. Resize it first.");
            bytes.Position = 0;
            return Image.Load<Rgb24>(bytes);
        }
        catch (Exception e) when (e is ImageFormatException or InvalidDataException or NotSupportedException)
        {
            throw new InvalidUploadException($"'{fileName}' is not a readable image ({e.Message}); upload an undamaged PNG, JPEG or WebP.");
        }
    }

    /// <summary>Why an upload over <see cref="SdWebOptions.MaxUploadBytes"/> is refused (also said before reading, when its length is known).</summary>
    public static string TooLarge(string fileName, SdWebOptions options) =>
        $"'{fileName}' is larger than the upload limit of {options.MaxUploadMegabytes} MB; upload a smaller image.";

    private static async Task<MemoryStream> ReadCappedAsync(Stream upload, string fileName, SdWebOptions options, CancellationToken cancellationToken)
    {
        var bytes = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = await upload.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (bytes.Length + read > options.MaxUploadBytes) throw new InvalidUploadException(TooLarge(fileName, options));
            bytes.Write(buffer, 0, read);
        }
        if (bytes.Length == 0) throw new InvalidUploadException($"'{fileName}' is empty; choose an image file.");
        bytes.Position = 0;
        return bytes;
    }
}
