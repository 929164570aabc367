using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace SdWeb.Engine.Loading;

/// <summary>
/// AUTOMATIC1111's "model hash" (AutoV2): the first 10 hex digits of the SHA-256 of the whole checkpoint file, so
/// images record the same hash as A1111 and Civitai show. For a diffusers folder the hash covers the UNet weights file.
/// Hashing SD 1.5 takes seconds, so results are kept for the process's life, keyed by the file's size and write time.
/// </summary>
internal static class ModelHash
{
    private static readonly ConcurrentDictionary<(string Path, long Length, DateTime WriteTime), string> Cache = new();

    public static string AutoV2(string file) => Sha256(file)[..10];

    /// <summary>The whole file's SHA-256 as lowercase hex (A1111's "sha256" of a checkpoint).</summary>
    public static string Sha256(string file)
    {
        var info = new FileInfo(file);
        var key = (info.FullName, info.Length, info.LastWriteTimeUtc);
        return Cache.GetOrAdd(key, static k =>
        {
            using var stream = new FileStream(k.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
            return Convert.ToHexStringLower(SHA256.HashData(stream));
        });
    }
}
