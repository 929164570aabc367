using System.Text.Json;
using SdWeb.Engine.Loading;

namespace SdWeb.Engine.Models;

/// <summary>Reads a diffusers/transformers config.json (snake_case keys) into a config record; unknown keys are ignored.</summary>
public static class ConfigJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowReadingFromString,
    };

    public static T Read<T>(string path) where T : class
    {
        if (!File.Exists(path))
            throw new ModelLoadException($"{path} not found. A diffusers model folder has a config.json in each component folder.");
        try
        {
            return JsonSerializer.Deserialize<T>(File.ReadAllText(path), Options)
                ?? throw new ModelLoadException($"{path}: the file holds null instead of a {typeof(T).Name}.");
        }
        catch (JsonException e)
        {
            throw new ModelLoadException(
                $"{path}: not a valid {typeof(T).Name} ({e.Message}). Replace the file with the model's original config.json.", e);
        }
    }
}
