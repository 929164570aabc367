using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace SdWeb.Engine.Loading.Checkpoints;

/// <summary>
/// What an original LDM config (.yaml beside a checkpoint, as AUTOMATIC1111 reads it) tells that tensor shapes cannot:
/// attention heads, the VAE scale factor and the noise schedule. Every field is null when the yaml omits it.
/// Its image sizes are not read: CompVis' own v1-inference.yaml marks them unused (unet image_size 32, VAE resolution 256
/// for a 512-px model), so the sample sizes stay SD v1's.
/// </summary>
internal sealed record LdmConfigFile
{
    public required string Path { get; init; }
    public int? UNetNumHeads { get; init; }
    public int? UNetNumHeadChannels { get; init; }
    public double? ScaleFactor { get; init; }
    public double? LinearStart { get; init; }
    public double? LinearEnd { get; init; }
    public int? Timesteps { get; init; }
    /// <summary>"eps" (default) or "v" (v-prediction).</summary>
    public string? Parameterization { get; init; }

    /// <summary>The yaml with the checkpoint's base name (model.safetensors → model.yaml), if there is one.</summary>
    public static LdmConfigFile? FindBeside(string checkpointPath)
    {
        var yaml = System.IO.Path.ChangeExtension(checkpointPath, ".yaml");
        return File.Exists(yaml) ? Read(yaml) : null;
    }

    public static LdmConfigFile Read(string path)
    {
        object? root;
        try
        {
            root = new DeserializerBuilder().Build().Deserialize<object>(File.ReadAllText(path));
        }
        catch (YamlException e)
        {
            throw new ModelLoadException($"{path}: malformed LDM config yaml: {e.Message}. Fix it or remove it (SD v1 defaults are used without it).", e);
        }
        const string model = "model.params.";
        const string unet = model + "unet_config.params.";
        return new LdmConfigFile
        {
            Path = path,
            UNetNumHeads = Int(root, unet + "num_heads", path),
            UNetNumHeadChannels = Int(root, unet + "num_head_channels", path),
            ScaleFactor = Double(root, model + "scale_factor", path),
            LinearStart = Double(root, model + "linear_start", path),
            LinearEnd = Double(root, model + "linear_end", path),
            Timesteps = Int(root, model + "timesteps", path),
            Parameterization = Scalar(root, model + "parameterization"),
        };
    }

    private static string? Scalar(object? node, string dottedPath)
    {
        foreach (var key in dottedPath.Split('.'))
        {
            if (node is not IDictionary<object, object?> map || !map.TryGetValue(key, out node)) return null;
        }
        return node as string;
    }

    private static int? Int(object? root, string dottedPath, string file) =>
        Scalar(root, dottedPath) is { } s
            ? int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : throw NotA("whole number", dottedPath, s, file)
            : null;

    private static double? Double(object? root, string dottedPath, string file) =>
        Scalar(root, dottedPath) is { } s
            ? double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : throw NotA("number", dottedPath, s, file)
            : null;

    private static ModelLoadException NotA(string what, string dottedPath, string value, string file) =>
        new($"{file}: {dottedPath} should be a {what}, not '{value}'.");
}
