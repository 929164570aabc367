using System.Buffers.Binary;
using System.Text;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace SdWeb.Tests.Web.Hardening;

/// <summary>Hostile files built byte by byte: PNGs that lie about their size or are cut short, pickles, broken safetensors.</summary>
public static class CraftedFiles
{
    /// <summary>A valid PNG with noisy pixels (so it does not compress to nothing).</summary>
    public static byte[] Png(int width, int height)
    {
        using var image = new Image<Rgb24>(width, height);
        var random = new Random(1);
        image.ProcessPixelRows(rows =>
        {
            for (var y = 0; y < rows.Height; y++)
                foreach (ref var p in rows.GetRowSpan(y)) p = new Rgb24((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));
        });
        using var stream = new MemoryStream();
        image.SaveAsPng(stream);
        return stream.ToArray();
    }

    /// <summary>
    /// A few hundred bytes whose header declares <paramref name="width"/>×<paramref name="height"/> pixels, with a
    /// highly compressed body: decoding it would allocate the whole declared image (a decompression bomb).
    /// </summary>
    public static byte[] PngDeclaring(int width, int height)
    {
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth
        header[9] = 2; // RGB
        Chunk(png, "IHDR", header);
        using (var zlib = new MemoryStream())
        {
            using (var z = new System.IO.Compression.ZLibStream(zlib, System.IO.Compression.CompressionLevel.SmallestSize, leaveOpen: true))
                z.Write(new byte[64 * 1024]);
            Chunk(png, "IDAT", zlib.ToArray());
        }
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>A torch.save-style zip (what a .ckpt is): never to be unpickled.</summary>
    public static byte[] PickleCheckpoint() =>
        [0x50, 0x4B, 0x03, 0x04, .. Encoding.ASCII.GetBytes("archive/data.pkl"), 0x80, 0x02, (byte)'c', (byte)'o', (byte)'s', 0x0A];

    /// <summary>A raw pickle stream (protocol 4) with a safetensors name.</summary>
    public static byte[] RawPickle() => [0x80, 0x04, 0x95, .. Encoding.ASCII.GetBytes("cposix\nsystem\n"), 0x2E];

    /// <summary>A safetensors header length that promises far more bytes than follow.</summary>
    public static byte[] SafetensorsWithHugeHeader()
    {
        var bytes = new byte[64];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, 50_000);
        Encoding.ASCII.GetBytes("{\"w\":").CopyTo(bytes, 8);
        return bytes;
    }

    /// <summary>A complete header whose JSON is not JSON.</summary>
    public static byte[] SafetensorsWithBadJson()
    {
        var json = Encoding.ASCII.GetBytes("{\"weight\": {\"dtype\": \"F32\", \"shape\": [2,");
        var bytes = new byte[8 + json.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)json.Length);
        json.CopyTo(bytes, 8);
        return bytes;
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        png.Write(length);
        var typeAndData = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        png.Write(typeAndData);
        Span<byte> crc = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typeAndData));
        png.Write(crc);
    }

    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }
}
