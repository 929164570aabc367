using System.Text.Json;
using SdWeb.Engine.Pipelines.Validation;

namespace SdWeb.Api.A1111;

/// <summary>
/// The AUTOMATIC1111 options SdWeb acts on (in <c>POST options</c> and a request's <c>override_settings</c>), their
/// defaults and the values it accepts; every other key is kept as sent and changes nothing. See docs/a1111-api.md.
/// </summary>
public static class A1111KnownOptions
{
    public const string Model = "sd_model_checkpoint";
    public const string ClipSkip = "CLIP_stop_at_last_layers";
    public const string Vae = "sd_vae";
    public const string SendSeed = "send_seed";
    public const string SamplesFormat = "samples_format";

    /// <summary>The keys that change a call; the others are kept and read back only.</summary>
    public static readonly IReadOnlySet<string> Honoured = new HashSet<string>(StringComparer.Ordinal) { Model, ClipSkip, Vae, SamplesFormat };

    /// <summary>Bounds what one user can store: A1111 has a few hundred options.</summary>
    public const int MaxKeyLength = 200;
    public const int MaxValueLength = 10_000;

    public static readonly IReadOnlyList<string> SamplesFormats = ["png", "jpg", "jpeg", "webp"];

    /// <summary>Both mean the model's own VAE; any other value names a VAE in models/VAE (as <c>GET sd-vae</c> lists them).</summary>
    public static readonly IReadOnlyList<string> OwnVae = ["Automatic", "None"];

    /// <summary>The separate VAE an <see cref="Vae"/> value names; null for the model's own.</summary>
    public static string? VaeName(string? value) => value is null || OwnVae.Contains(value, StringComparer.OrdinalIgnoreCase) ? null : value;

    /// <summary>What <c>GET options</c> answers for a user who set nothing.</summary>
    public static Dictionary<string, object?> Defaults(string defaultModel) => new()
    {
        [Model] = defaultModel,
        [ClipSkip] = 1,
        [Vae] = "Automatic",
        [SendSeed] = true,
        [SamplesFormat] = "png",
    };

    /// <summary>Why values cannot be set, by key (prefixed, e.g. "override_settings."); empty when all can.</summary>
    /// <param name="models">The models to check <see cref="Model"/> against; null leaves that to the job submitter.</param>
    /// <param name="vaes">The VAEs to check <see cref="Vae"/> against; null leaves that to the job submitter.</param>
    public static Dictionary<string, string[]> Check(IReadOnlyDictionary<string, JsonElement> values, IReadOnlyList<string>? models,
        IReadOnlyList<string>? vaes = null, string prefix = "")
    {
        var errors = new Dictionary<string, string[]>();
        foreach (var (key, value) in values)
        {
            if (Problem(key, value, models, vaes) is { } problem) errors[prefix + key] = [problem];
        }
        return errors;
    }

    private static string? Problem(string key, JsonElement value, IReadOnlyList<string>? models, IReadOnlyList<string>? vaes)
    {
        if (key.Length is 0 or > MaxKeyLength) return $"Option names must have 1 to {MaxKeyLength} characters.";
        if (value.GetRawText().Length > MaxValueLength) return $"The value is too long; at most {MaxValueLength} characters of JSON.";
        return key switch
        {
            Model when value.ValueKind != JsonValueKind.String => "Give the model's name or its title \"name [hash]\".",
            Model when models is not null && !models.Contains(A1111Translation.ModelName(value.GetString())) =>
                $"Unknown model '{value.GetString()}'. Available: {string.Join(", ", models)}.",
            ClipSkip when value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var layers) || layers < 1 || layers > GenerationRequestValidator.MaxClipSkip =>
                $"Give a whole number from 1 (the last layer) to {GenerationRequestValidator.MaxClipSkip}.",
            Vae when value.ValueKind != JsonValueKind.String => "Give a VAE's name as GET sd-vae lists it, or \"Automatic\" for the model's own.",
            Vae when vaes is not null && VaeName(value.GetString()) is { } vae && !vaes.Contains(vae) =>
                $"Unknown VAE '{vae}'. Available: {string.Join(", ", [.. OwnVae, .. vaes])}.",
            SendSeed when value.ValueKind is not (JsonValueKind.True or JsonValueKind.False) => "Give true or false.",
            SamplesFormat when value.ValueKind != JsonValueKind.String || !SamplesFormats.Contains(value.GetString()?.ToLowerInvariant()) =>
                $"Give one of: {string.Join(", ", SamplesFormats)}.",
            _ => null,
        };
    }
}
