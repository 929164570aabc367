using System.Text.Json;

namespace SdWeb.Api.A1111;

/// <summary>What a user's options (overlaid by a request's <c>override_settings</c>) change in a txt2img/img2img call.</summary>
/// <param name="Model">The model name; null = the app's default model.</param>
/// <param name="SamplesFormat">How the answer's images are encoded: png (with its parameters chunk), jpg or webp.</param>
/// <param name="Vae">The VAE in models/VAE (<c>sd_vae</c>); null = the model's own.</param>
public sealed record A1111UserDefaults(string? Model, int ClipSkip, string SamplesFormat, string? Vae = null)
{
    /// <summary>Options already checked by <see cref="A1111KnownOptions.Check"/>.</summary>
    public static A1111UserDefaults From(IReadOnlyDictionary<string, JsonElement> options) => new(
        options.GetValueOrDefault(A1111KnownOptions.Model) is { ValueKind: JsonValueKind.String } model ? A1111Translation.ModelName(model.GetString()) : null,
        options.GetValueOrDefault(A1111KnownOptions.ClipSkip) is { ValueKind: JsonValueKind.Number } layers && layers.TryGetInt32(out var clipSkip) ? clipSkip : 1,
        options.GetValueOrDefault(A1111KnownOptions.SamplesFormat) is { ValueKind: JsonValueKind.String } format ? format.GetString()!.ToLowerInvariant() : "png",
        options.GetValueOrDefault(A1111KnownOptions.Vae) is { ValueKind: JsonValueKind.String } vae ? A1111KnownOptions.VaeName(vae.GetString()) : null);
}
