using SdWeb.Engine.Loading.SafeTensors;

namespace SdWeb.Engine.Loading.Checkpoints;

/// <summary>
/// Diffusers-named views of the parts of an original-format checkpoint. Keys that have no diffusers counterpart keep
/// their original name, so loading reports them as unexpected instead of silently dropping them.
/// </summary>
internal static class CheckpointViews
{
    public const string UNetPrefix = "model.diffusion_model.";
    public const string VaePrefix = "first_stage_model.";
    public const string TextEncoderPrefix = "cond_stage_model.transformer.";
    private const string TextModel = "text_model.";

    public static IWeightSource UNet(SafeTensorsFile file)
    {
        var keys = KeysUnder(file, UNetPrefix);
        int layersPerBlock = LdmUNetKeys.LayersPerBlock(keys.Keys);
        return View(file, UNetPrefix, keys.ToDictionary(
            kv => LdmUNetKeys.ToDiffusers(kv.Key, layersPerBlock) ?? kv.Value,
            kv => new RenamedWeightSource.Entry(kv.Value)));
    }

    /// <summary>A VAE under <paramref name="prefix"/> ("first_stage_model." in a full checkpoint, "" in a VAE file), in any naming.</summary>
    public static IWeightSource Vae(SafeTensorsFile file, string prefix)
    {
        var keys = KeysUnder(file, prefix);
        int decoderLevels = VaeKeys.LdmDecoderLevels(keys.Keys);
        var entries = new Dictionary<string, RenamedWeightSource.Entry>(StringComparer.Ordinal);
        foreach (var (key, fileKey) in keys)
        {
            var shape = file.Tensors[fileKey].Shape;
            var renamed = VaeKeys.ToDiffusers(key, decoderLevels, isConv1x1: shape is [_, _, 1, 1]);
            entries[renamed?.Name ?? fileKey] = new RenamedWeightSource.Entry(fileKey, renamed is { ConvToLinear: true } ? shape[..2] : null);
        }
        return new RenamedWeightSource(file, entries, Describe(file, prefix));
    }

    /// <summary>The CLIP text model, stored as <c>cond_stage_model.transformer.text_model.*</c> or (older files) without <c>text_model.</c>.</summary>
    public static IWeightSource TextEncoder(SafeTensorsFile file) =>
        View(file, TextEncoderPrefix, KeysUnder(file, TextEncoderPrefix).ToDictionary(
            kv => kv.Key.StartsWith(TextModel, StringComparison.Ordinal) ? kv.Key : TextModel + kv.Key,
            kv => new RenamedWeightSource.Entry(kv.Value)));

    /// <summary>Keys under a prefix: prefix-less key → file key.</summary>
    public static Dictionary<string, string> KeysUnder(SafeTensorsFile file, string prefix) =>
        file.Tensors.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(k => k[prefix.Length..], k => k, StringComparer.Ordinal);

    private static RenamedWeightSource View(SafeTensorsFile file, string prefix, Dictionary<string, RenamedWeightSource.Entry> entries) =>
        new(file, entries, Describe(file, prefix));

    private static string Describe(SafeTensorsFile file, string prefix) => prefix.Length == 0 ? file.Path : $"{file.Path} ({prefix}*)";
}
