using System.Text.Json;
using System.Text.Json.Serialization;

namespace SdWeb.Engine.Loading.Configs;

/// <summary>
/// Reads and writes the config records as the Hugging Face json files spell them: snake_case names, unknown fields
/// ignored (unless listed as unsupported features, which must then hold their neutral value), and diffusers' habit of
/// writing a per-block list either as one number or as a list.
/// </summary>
internal static class ConfigJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
        RespectNullableAnnotations = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        WriteIndented = true,
        Converters = { new IntOrListConverter() },
    };

    /// <param name="neutralValues">Keys of features this engine does not implement, each with the value that means
    /// "not used" (null, false, a default string or number); any other value is refused with a clear message.</param>
    public static T Read<T>(string path, IReadOnlyDictionary<string, object?>? neutralValues = null) where T : class
    {
        if (!File.Exists(path)) throw new ModelLoadException($"{path}: config file not found.");
        if (neutralValues is { Count: > 0 }) CheckNeutral(path, neutralValues);
        using var stream = File.OpenRead(path);
        return Read<T>(stream, path);
    }

    private static void CheckNeutral(string path, IReadOnlyDictionary<string, object?> neutralValues)
    {
        using var stream = File.OpenRead(path);
        JsonDocument doc;
        try { doc = JsonDocument.Parse(stream, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }); }
        catch (JsonException e) { throw new ModelLoadException($"{path}: malformed JSON: {e.Message}. Fix or replace the file.", e); }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new ModelLoadException($"{path}: not a model config: expected a JSON object.");
            foreach (var (key, neutral) in neutralValues)
                if (doc.RootElement.TryGetProperty(key, out var value) && !IsNeutral(value, neutral))
                    throw new ModelLoadException(
                        $"{path}: \"{key}\": {value.GetRawText()} is not supported (only {Describe(neutral)} is). " +
                        "This engine runs Stable Diffusion v1-style models; use a model of that family.");
        }
    }

    private static bool IsNeutral(JsonElement value, object? neutral) => neutral switch
    {
        null => value.ValueKind == JsonValueKind.Null,
        bool b => value.ValueKind == (b ? JsonValueKind.True : JsonValueKind.False),
        string s => value.ValueKind == JsonValueKind.String && value.GetString() == s,
        double d => value.ValueKind == JsonValueKind.Number && value.GetDouble() == d,
        _ => throw new ArgumentException($"Unsupported neutral value type {neutral.GetType()}.", nameof(neutral)),
    };

    private static string Describe(object? neutral) => neutral switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        string s => $"\"{s}\"",
        _ => Convert.ToString(neutral, System.Globalization.CultureInfo.InvariantCulture)!,
    };

    /// <param name="description">Names the json's origin in error messages.</param>
    public static T Read<T>(Stream stream, string description) where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(stream, Options)
                   ?? throw new ModelLoadException($"{description}: the config is empty (null).");
        }
        catch (JsonException e)
        {
            throw new ModelLoadException(
                $"{description}: cannot read it as a {typeof(T).Name}: {e.Message}. Fix or replace the config file.", e);
        }
    }

    public static void Write<T>(string path, T config, IReadOnlyDictionary<string, object>? extra = null) where T : class
    {
        var json = new System.Text.Json.Nodes.JsonObject();
        foreach (var (key, value) in extra ?? new Dictionary<string, object>())
            json[key] = JsonSerializer.SerializeToNode(value, Options);
        foreach (var (key, value) in JsonSerializer.SerializeToNode(config, Options)!.AsObject().ToList())
            json[key] = value?.DeepClone();
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write);
        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteTo(writer);
    }

    /// <summary>Accepts <c>8</c> as well as <c>[5, 10, 20, 20]</c> for a list of ints (e.g. attention_head_dim).</summary>
    private sealed class IntOrListConverter : JsonConverter<IReadOnlyList<int>>
    {
        public override IReadOnlyList<int> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.Number) return [reader.GetInt32()];
            if (reader.TokenType != JsonTokenType.StartArray)
                throw new JsonException($"expected a whole number or a list of them, found {reader.TokenType}");
            var list = new List<int>();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType != JsonTokenType.Number) throw new JsonException($"expected a whole number, found {reader.TokenType}");
                list.Add(reader.GetInt32());
            }
            return list;
        }

        public override void Write(Utf8JsonWriter writer, IReadOnlyList<int> value, JsonSerializerOptions options)
        {
            if (value.Count == 1) { writer.WriteNumberValue(value[0]); return; }
            writer.WriteStartArray();
            foreach (var v in value) writer.WriteNumberValue(v);
            writer.WriteEndArray();
        }
    }
}
