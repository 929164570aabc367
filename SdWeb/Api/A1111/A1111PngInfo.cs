using System.Globalization;
using SdWeb.Engine.Imaging;
using SdWeb.Engine.Pipelines;

namespace SdWeb.Api.A1111;

/// <summary>
/// AUTOMATIC1111's <c>POST /sdapi/v1/png-info</c>: <c>{"image": base64 PNG}</c> → <c>info</c> (the parameters text; for
/// a ComfyUI or InvokeAI image the same text written from what their metadata says), <c>items</c> (the other text
/// chunks) and <c>parameters</c> (the text read into keys, as its parse_generation_parameters does). Only the PNG's
/// header is read, never its pixels.
/// </summary>
public static class A1111PngInfo
{
    public sealed record Request(string? Image);

    public static IResult Answer(Request? request)
    {
        if (request?.Image is not { Length: > 0 } base64)
            return Problem("Send {\"image\": \"<base64 PNG>\"}.");
        if (A1111Base64.Decode(base64) is not { } bytes)
            return Problem("image is not base64; send the PNG file's bytes base64-encoded.");
        IReadOnlyDictionary<string, string> texts;
        try
        {
            using var stream = new MemoryStream(bytes);
            texts = ParametersPng.ReadTexts(stream);
        }
        catch (Exception e) when (e is InvalidDataException or SixLabors.ImageSharp.ImageFormatException)
        {
            return Problem("image is not an image SdWeb can read parameters from (not a PNG); send a PNG.");
        }
        var parsed = ParametersPng.ParametersOf(texts);
        var info = texts.GetValueOrDefault(ParametersPng.Keyword) ?? (parsed is null ? "" : InfotextOf(parsed));
        return Results.Json(new
        {
            info,
            items = texts.Where(t => t.Key != ParametersPng.Keyword).ToDictionary(t => t.Key, t => t.Value),
            parameters = parsed is null ? new Dictionary<string, string>() : ParametersOf(parsed),
        });
    }

    /// <summary>A parameters text as AUTOMATIC1111 writes one, from metadata another program wrote.</summary>
    private static string InfotextOf(ImageParameters p)
    {
        var settings = new List<string>();
        void Add(string key, object? value)
        {
            if (value is not null) settings.Add($"{key}: {Convert.ToString(value, CultureInfo.InvariantCulture)}");
        }
        Add("Steps", p.Steps);
        Add("Sampler", p.Sampler is null ? null : SamplerNames.ToA1111(p.Sampler));
        Add("CFG scale", p.CfgScale);
        Add("Seed", p.Seed);
        Add("Size", p.Width is { } w && p.Height is { } h ? $"{w}x{h}" : null);
        Add("Model", p.ModelName);
        var text = p.Prompt + (p.NegativePrompt.Length > 0 ? $"\nNegative prompt: {p.NegativePrompt}" : "");
        return settings.Count == 0 ? text : text + "\n" + string.Join(", ", settings);
    }

    /// <summary>As parse_generation_parameters gives them: every value a string.</summary>
    private static Dictionary<string, string> ParametersOf(ImageParameters p)
    {
        static string Text(IFormattable value) => value.ToString(null, CultureInfo.InvariantCulture);
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Prompt"] = p.Prompt,
            ["Negative prompt"] = p.NegativePrompt,
        };
        foreach (var (key, value) in p.Settings) values[key] = value;
        if (p.Steps is { } steps) values["Steps"] = Text(steps);
        if (p.Sampler is { } sampler) values["Sampler"] = SamplerNames.ToA1111(sampler);
        if (p.CfgScale is { } cfg) values["CFG scale"] = Text(cfg);
        if (p.Seed is { } seed) values["Seed"] = Text(seed);
        if (p.Width is { } width) values["Size-1"] = Text(width);
        if (p.Height is { } height) values["Size-2"] = Text(height);
        return values;
    }

    private static IResult Problem(string message) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { ["image"] = [message] }, statusCode: 422, title: "The request was not accepted.");
}
