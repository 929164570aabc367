using System.Security.Cryptography;
using SdWeb.Engine.Loading.SafeTensors;
using SdWeb.Engine.Pipelines;

namespace SdWeb.Engine.Networks;

/// <summary>
/// The hashes AUTOMATIC1111 writes for extra networks: "Lora hashes" uses the SHA-256 of a safetensors file's data
/// area (everything after the header: kohya's "addnet" hash, so editing metadata keeps the hash), "TI hashes" the
/// SHA-256 of the whole file; both shortened to 12 hex digits. Kept per path, size and write time (<see cref="NetworkFileCache"/>).
/// </summary>
internal static class NetworkHashes
{
    public const int ShortLength = 12;

    /// <summary>Full SHA-256 (hex) of the bytes after a safetensors header.</summary>
    public static string SafeTensorsData(string path) => Hash(path, dataOnly: true);

    /// <summary>Full SHA-256 (hex) of the whole file.</summary>
    public static string WholeFile(string path) => Hash(path, dataOnly: false);

    /// <summary>A LoRA's hash as A1111 takes it: the file's own <c>sshs_model_hash</c> if it has one, else <see cref="SafeTensorsData"/>.</summary>
    public static string Lora(string path) => NetworkFileCache.Get(path, "LoRA hash", static filePath =>
    {
        using var file = SafeTensorsFile.Open(filePath);
        return Lora(file);
    });

    /// <inheritdoc cref="Lora(string)"/>
    public static string Lora(SafeTensorsFile file) =>
        file.Metadata.TryGetValue("sshs_model_hash", out var stored) && stored.Length > 0 ? stored : SafeTensorsData(file.Path);

    /// <summary>"Lora hashes": each LoRA of the request under the name its tag used.</summary>
    public static IReadOnlyList<NetworkHash> OfLoras(GenerationRequest request) =>
        request.Loras.Select(l => new NetworkHash(l.Name, Short(Lora(l.Path)))).ToList();

    /// <summary>"TI hashes": the request's embeddings whose trigger word (file name) a prompt or negative prompt contains.</summary>
    public static IReadOnlyList<NetworkHash> OfUsedEmbeddings(GenerationRequest request)
    {
        var texts = request.Prompts.Concat(request.NegativePrompts).ToList();
        return request.Embeddings
            .Select(path => (Name: Path.GetFileNameWithoutExtension(path), Path: path))
            .Where(e => texts.Any(text => text.Contains(e.Name, StringComparison.Ordinal)))
            .Select(e => new NetworkHash(e.Name, Short(WholeFile(e.Path))))
            .ToList();
    }

    public static string Short(string fullHash) => fullHash[..Math.Min(ShortLength, fullHash.Length)];

    private static string Hash(string path, bool dataOnly) =>
        NetworkFileCache.Get(path, dataOnly ? "SHA-256 of the data" : "SHA-256", filePath =>
        {
            using var stream = new FileStream(filePath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
            if (dataOnly)
            {
                Span<byte> length = stackalloc byte[8];
                stream.ReadExactly(length);
                stream.Position = 8 + BitConverter.ToInt64(length);
            }
            return Convert.ToHexStringLower(SHA256.HashData(stream));
        });
}
