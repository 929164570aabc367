using System.Security.Cryptography;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace SdWeb.Storage;

/// <summary>SHA-256 of an image's RGB pixels: equal hashes mean pixel-identical images (PNG is lossless).</summary>
public static class PixelHash
{
    public static string Of(Image<Rgb24> image)
    {
        var pixels = new byte[image.Width * image.Height * 3];
        image.CopyPixelDataTo(pixels);
        return Convert.ToHexStringLower(SHA256.HashData(pixels));
    }
}
