using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace SdWeb.Engine.Imaging;

/// <summary>PNGs carrying an A1111 "parameters" text chunk (uncompressed tEXt, iTXt when the text is not Latin-1).</summary>
public static class ParametersPng
{
    public const string Keyword = "parameters";

    private static readonly PngEncoder Encoder = new() { TextCompressionThreshold = int.MaxValue };

    public static void Save(Image<Rgb24> image, string parametersText, Stream output)
    {
        using var copy = image.Clone();
        var png = copy.Metadata.GetPngMetadata();
        png.TextData.Clear();
        png.TextData.Add(new PngTextData(Keyword, parametersText, string.Empty, string.Empty));
        copy.SaveAsPng(output, Encoder);
    }

    public static void Save(Image<Rgb24> image, string parametersText, string path)
    {
        using var file = File.Create(path);
        Save(image, parametersText, file);
    }

    /// <summary>The parameters text of a PNG (read from its header, without decoding the pixels); null when it has none.</summary>
    public static string? ReadText(Stream png)
    {
        var info = Image.Identify(png) ?? throw new InvalidDataException("Not an image ImageSharp can read.");
        return info.Metadata.GetPngMetadata().TextData.FirstOrDefault(t => t.Keyword == Keyword).Value;
    }
}
