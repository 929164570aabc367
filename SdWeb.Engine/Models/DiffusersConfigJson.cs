using System.Text.Json;
using System.Text.Json.Serialization;
using SdWeb.Engine.Loading;

namespace SdWeb.Engine.Models;

/// <summary>
/// Reads a diffusers config.json (snake_case keys) into a config record (PascalCase properties). Keys the record does not
/// have are ignored unless they are listed as unsupported features, which must then hold their neutral value.
/// </summary>
internal static class DiffusersConfigJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        RespectNullableAnnotations = true,
        Converters = { new IntOrIntListConverter() },
    };

    /// <param name="neutralValues">Keys of features this engine does not implement, each with the value that means
    /// "not used" (null, false, a default string or number).</param>
    public static T Read<T>(string path, IReadOnlyDictionary<string, object?> neutralValues)
    {
        if (!File.Exists(path)) throw new ModelLoadException($"{path}: config file not found.");
        try
        {
            var text = File.ReadAllText(path);
            using (var doc = JsonDocument.Parse(text))
            {
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                    throw new ModelLoadException($"{path}: not a model config: expected a JSON object.");
                foreach (var (key, neutral) in neutralValues)
                    if (doc.RootElement.TryGetProperty(key, out var value) && !IsNeutral(value, neutral))
                        throw new ModelLoadException(
                            $"{path}: \"{key}\": {value.GetRawText()} is not supported (only {Describe(neutral)} is). " +
                            "This engine runs Stable Diffusion v1-style models; use a model of that family.");
            }
            return JsonSerializer.Deserialize<T>(text, Options)
                ?? throw new ModelLoadException($"{path}: not a model config: the file holds null.");
        }
        catch (JsonException e)
        {
            throw new ModelLoadException($"{path}: cannot read the model config: {e.Message}", e);
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

    /// <summary>diffusers accepts one number for "the same for every block" wherever it accepts a per-block list.</summary>
    private sealed class IntOrIntListConverter : JsonConverter<IReadOnlyList<int>>
    {
        public override IReadOnlyList<int> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.Number) return [reader.GetInt32()];
            if (reader.TokenType != JsonTokenType.StartArray)
                throw new JsonException($"expected a number or a list of numbers, found {reader.TokenType}.");
            var values = new List<int>();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType != JsonTokenType.Number)
                    throw new JsonException($"expected a list of numbers, found {reader.TokenType} in it.");
                values.Add(reader.GetInt32());
            }
            return values;
        }

        public override void Write(Utf8JsonWriter writer, IReadOnlyList<int> value, JsonSerializerOptions options) =>
            JsonSerializer.Serialize(writer, value.ToArray(), options);
    }
}
