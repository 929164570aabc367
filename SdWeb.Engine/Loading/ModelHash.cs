using System.Security.Cryptography;

namespace SdWeb.Engine.Loading;

/// <summary>
/// AUTOMATIC1111's "model hash" (AutoV2): the first 10 hex digits of the SHA-256 of the whole checkpoint file, so
/// images record the same hash as A1111 and Civitai show. For a diffusers folder the hash covers the UNet weights file.
/// </summary>
public static class ModelHash
{
    public static string AutoV2(string file)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        return Convert.ToHexStringLower(SHA256.HashData(stream))[..10];
    }
}
