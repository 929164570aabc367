using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Webp;

namespace SdWeb.Api.A1111;

/// <summary>
/// The answer's images in the caller's <c>samples_format</c>, as AUTOMATIC1111 encodes them: png is the stored file
/// with its parameters chunk; jpg and webp are re-encoded from it (without the parameters, which <c>info</c> carries).
/// </summary>
public static class A1111SamplesFormat
{
    public static byte[] Encode(byte[] png, string format)
    {
        if (format == "png") return png;
        using var image = Image.Load(png);
        using var output = new MemoryStream();
        if (format == "webp") image.SaveAsWebp(output, new WebpEncoder { Quality = 80 });
        else image.SaveAsJpeg(output, new JpegEncoder { Quality = 80 });
        return output.ToArray();
    }
}
