using System.Text.Json;
using System.Text.Json.Serialization;

namespace SdWeb.Engine.Loading.Configs;

/// <summary>
/// Reads and writes the config records as the Hugging Face json files spell them: snake_case names, unknown fields
/// ignored, and diffusers' habit of writing a per-block list either as one number or as a list.
/// </summary>
public static class ConfigJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        WriteIndented = true,
        Converters = { new IntOrListConverter() },
    };

    public static T Read<T>(string path) where T : class
    {
        if (!File.Exists(path)) throw new ModelLoadException($"{path}: config file not found.");
        using var stream = File.OpenRead(path);
        return Read<T>(stream, path);
    }

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

    /// <summary>The <c>_class_name</c> diffusers writes into its configs, or null when there is none.</summary>
    public static string? ReadClassName(Stream stream, string description)
    {
        try
        {
            using var doc = JsonDocument.Parse(stream, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("_class_name", out var c) &&
                   c.ValueKind == JsonValueKind.String ? c.GetString() : null;
        }
        catch (JsonException e)
        {
            throw new ModelLoadException($"{description}: malformed JSON: {e.Message}. Fix or replace the file.", e);
        }
    }

    public static void Write<T>(string path, T config) where T : class
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write);
        JsonSerializer.Serialize(stream, config, Options);
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
