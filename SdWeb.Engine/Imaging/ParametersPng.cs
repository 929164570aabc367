using SdWeb.Engine.Imaging.Foreign;
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
    public static string? ReadText(Stream png) => ReadTexts(png).GetValueOrDefault(Keyword);

    /// <summary>Every text chunk of a PNG by keyword (the first of a keyword), read without decoding the pixels.</summary>
    public static IReadOnlyDictionary<string, string> ReadTexts(Stream png)
    {
        var info = Image.Identify(png) ?? throw new InvalidDataException("Not an image ImageSharp can read.");
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var text in info.Metadata.GetPngMetadata().TextData) texts.TryAdd(text.Keyword, text.Value);
        return texts;
    }

    /// <summary>
    /// How an image was made, from AUTOMATIC1111's (and SdWeb's) "parameters" text, else ComfyUI's "prompt" graph, else
    /// InvokeAI's "invokeai_metadata" or "sd-metadata"; null when the PNG has none of them readable.
    /// </summary>
    public static ImageParameters? ReadParameters(Stream png) => ParametersOf(ReadTexts(png));

    public static ImageParameters? ParametersOf(IReadOnlyDictionary<string, string> texts)
    {
        if (texts.TryGetValue(Keyword, out var a1111)) return A1111ParametersText.Parse(a1111);
        if (texts.TryGetValue("prompt", out var comfy) && ComfyUiPrompt.Parse(comfy) is { } fromComfy) return fromComfy;
        if (texts.TryGetValue(InvokeAiMetadata.CoreKeyword, out var invoke) && InvokeAiMetadata.ParseCore(invoke) is { } fromInvoke) return fromInvoke;
        return texts.TryGetValue(InvokeAiMetadata.LegacyKeyword, out var legacy) ? InvokeAiMetadata.ParseLegacy(legacy) : null;
    }
}
