using SdWeb.Engine.Devices;
using SdWeb.Engine.Loading.Checkpoints;
using SdWeb.Engine.Loading.Diffusers;
using SdWeb.Engine.Models;

namespace SdWeb.Engine.Loading;

/// <summary>
/// A Stable Diffusion v1 model as the user has it (a diffusers folder or one original-format .safetensors file,
/// optionally with a separate VAE), described the same way either way: each component's config and weights under
/// diffusers names, the tokenizer files and the scheduler config. Owns the open weight files until disposed.
/// </summary>
internal sealed class ModelSource : IDisposable
{
    private readonly List<IDisposable> _owned;
    private readonly Lazy<string> _hash;

    internal ModelSource(string name, string path, ModelFormat format,
        ModelComponent<UNet2DConditionConfig> unet, ModelComponent<ClipTextConfig> textEncoder, ModelComponent<AutoencoderKLConfig> vae,
        TokenizerFiles tokenizer, ModelSchedulerConfig scheduler, string hashedFile, List<IDisposable> owned)
    {
        Name = name;
        Path = path;
        Format = format;
        UNet = unet;
        TextEncoder = textEncoder;
        Vae = vae;
        Tokenizer = tokenizer;
        Scheduler = scheduler;
        HashedFile = hashedFile;
        _owned = owned;
        _hash = new Lazy<string>(() => ModelHash.AutoV2(hashedFile));
    }

    public string Name { get; }
    public string Path { get; }
    public ModelFormat Format { get; }
    public ModelComponent<UNet2DConditionConfig> UNet { get; }
    public ModelComponent<ClipTextConfig> TextEncoder { get; }
    public ModelComponent<AutoencoderKLConfig> Vae { get; private set; }
    public TokenizerFiles Tokenizer { get; }
    public ModelSchedulerConfig Scheduler { get; }

    /// <summary>The separate VAE in use instead of the model's own, if any.</summary>
    public string? VaeOverridePath { get; private set; }

    /// <summary>A1111's "VAE hash" of the separate VAE (AutoV2 of its weights file); null without one. Reads the whole file once.</summary>
    public string? VaeOverrideHash => VaeOverridePath is null ? null : ModelHash.AutoV2(VaeOverride.WeightsFile(VaeOverridePath));

    /// <summary>The file <see cref="Hash"/> covers: the checkpoint itself, or a diffusers folder's UNet weights.</summary>
    public string HashedFile { get; }

    /// <summary>A1111's AutoV2 model hash (see <see cref="ModelHash"/>); computed on first use (reads the whole file).</summary>
    public string Hash => _hash.Value;

    /// <summary>Opens a diffusers folder or a single .safetensors checkpoint; pickle checkpoints are refused.</summary>
    /// <param name="placement">Where the models will run; fp16 prefers a folder's *.fp16.safetensors variants.</param>
    /// <param name="vaeOverridePath">A separate VAE (a diffusers vae folder or one .safetensors file) to use instead of the model's own.</param>
    public static ModelSource Open(string path, ModelPlacement placement, string? vaeOverridePath = null)
    {
        var source = OpenModel(path, placement);
        if (vaeOverridePath is null) return source;
        try
        {
            source.Vae = VaeOverride.Open(vaeOverridePath, placement, source._owned);
            source.VaeOverridePath = vaeOverridePath;
            return source;
        }
        catch
        {
            source.Dispose();
            throw;
        }
    }

    private static ModelSource OpenModel(string path, ModelPlacement placement)
    {
        if (Directory.Exists(path)) return DiffusersFolder.Open(path, placement);
        if (!File.Exists(path)) throw new ModelLoadException($"{path}: no such model file or folder.");
        if (PickleRefusal.HasPickleExtension(path)) throw PickleRefusal.Refuse(path);
        if (!path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
            throw new ModelLoadException($"{path}: unknown model format; use a .safetensors checkpoint or a diffusers model folder.");
        return SingleFileCheckpoint.Open(path);
    }

    public void Dispose()
    {
        foreach (var d in _owned) d.Dispose();
        _owned.Clear();
    }
}
