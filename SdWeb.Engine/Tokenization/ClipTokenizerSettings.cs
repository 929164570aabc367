using System.Text.Json;
using SdWeb.Engine.Loading;

namespace SdWeb.Engine.Tokenization;

/// <summary>
/// The special tokens and sequence length of a CLIP tokenizer, from the diffusers <c>tokenizer/</c> folder's
/// tokenizer_config.json and special_tokens_map.json; absent entries take SD v1's values.
/// </summary>
internal sealed record ClipTokenizerSettings
{
    public const string StartOfText = "<|startoftext|>";
    public const string EndOfText = "<|endoftext|>";

    public string BosToken { get; init; } = StartOfText;
    public string EosToken { get; init; } = EndOfText;
    /// <summary>SD v1 pads with the end-of-text token; SD v2's OpenCLIP tokenizer pads with "!".</summary>
    public string PadToken { get; init; } = EndOfText;
    /// <summary>Ids per sequence including BOS and EOS (77 for every SD text encoder).</summary>
    public int MaxLength { get; init; } = 77;

    public static ClipTokenizerSettings FromFolder(string folder)
    {
        var settings = new ClipTokenizerSettings();
        // transformers 4.35 lets special_tokens_map.json override tokenizer_config.json's special tokens.
        foreach (var file in new[] { "tokenizer_config.json", "special_tokens_map.json" })
        {
            var path = Path.Combine(folder, file);
            if (File.Exists(path)) settings = settings.With(Parse(path), path);
        }
        return settings;
    }

    private ClipTokenizerSettings With(JsonElement json, string path) => this with
    {
        BosToken = TokenOf(json, "bos_token", path) ?? BosToken,
        EosToken = TokenOf(json, "eos_token", path) ?? EosToken,
        PadToken = TokenOf(json, "pad_token", path) ?? PadToken,
        MaxLength = MaxLengthOf(json, path) ?? MaxLength,
    };

    private static JsonElement Parse(string path)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new ModelLoadException($"{path}: expected a JSON object. Replace the file with the model's original one.");
            return doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new ModelLoadException($"{path}: not valid JSON ({e.Message}). Replace the file with the model's original one.", e);
        }
    }

    /// <summary>A token is either a string or an AddedToken object with a "content" string.</summary>
    private static string? TokenOf(JsonElement json, string name, string path)
    {
        if (!json.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind == JsonValueKind.String) return value.GetString();
        if (value.ValueKind == JsonValueKind.Object && value.TryGetProperty("content", out var content) &&
            content.ValueKind == JsonValueKind.String)
            return content.GetString();
        throw new ModelLoadException($"{path}: \"{name}\" must be a string or an object with a \"content\" string.");
    }

    /// <summary>model_max_length, unless it is transformers' "no limit" placeholder (a huge number).</summary>
    private static int? MaxLengthOf(JsonElement json, string path)
    {
        if (!json.TryGetProperty("model_max_length", out var value)) return null;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var length) || length < 3)
            throw new ModelLoadException($"{path}: \"model_max_length\" must be a number of at least 3 (BOS, one token, EOS).");
        return length > 100_000 ? null : (int)length;
    }
}
