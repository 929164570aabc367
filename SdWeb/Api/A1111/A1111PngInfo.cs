using SdWeb.Engine.Imaging;
using SixLabors.ImageSharp;

namespace SdWeb.Api.A1111;

/// <summary>
/// <c>POST png-info</c>: the AUTOMATIC1111 infotext of an image (its PNG "parameters" text), the image's other text
/// chunks as <c>items</c>, and the infotext read into fields as A1111's parse_generation_parameters names them.
/// Only the header is read; the pixels are never decoded.
/// </summary>
public static class A1111PngInfo
{
    public sealed record Request(string? Image);

    public static IResult Read(Request request)
    {
        if (string.IsNullOrEmpty(request.Image)) return A1111Problems.Field("image", "Send the image file's bytes base64-encoded in 'image'.");
        if (A1111Base64.Decode(request.Image) is not { } bytes) return A1111Problems.Field("image", "image is not base64; send the image file's bytes base64-encoded.");
        IImageInfo? header;
        try { header = Image.Identify(bytes); }
        catch (Exception e) when (e is ImageFormatException or InvalidDataException or NotSupportedException) { header = null; }
        if (header is null) return A1111Problems.Field("image", "image is not an image SdWeb can read; send a PNG, JPEG or WebP.");

        var texts = header.Metadata.GetPngMetadata().TextData;
        var info = texts.FirstOrDefault(t => t.Keyword == ParametersPng.Keyword).Value ?? "";
        var items = texts.Where(t => t.Keyword != ParametersPng.Keyword).GroupBy(t => t.Keyword).ToDictionary(g => g.Key, g => g.First().Value);
        return Results.Json(new { info, items, parameters = info.Length == 0 ? new Dictionary<string, string>() : Fields(A1111ParametersText.Parse(info)) });
    }

    /// <summary>"Prompt", "Negative prompt", every "Key: value" of the settings line, and "Size-1"/"Size-2" as A1111 splits Size.</summary>
    private static Dictionary<string, string> Fields(ImageParameters parameters)
    {
        var fields = new Dictionary<string, string> { ["Prompt"] = parameters.Prompt, ["Negative prompt"] = parameters.NegativePrompt };
        foreach (var (key, value) in parameters.Settings) fields[key] = value;
        if (parameters is { Width: { } width, Height: { } height })
        {
            fields["Size-1"] = width.ToString(System.Globalization.CultureInfo.InvariantCulture);
            fields["Size-2"] = height.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        return fields;
    }
}
