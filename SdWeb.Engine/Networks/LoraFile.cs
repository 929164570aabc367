using SdWeb.Engine.Loading;
using SdWeb.Engine.Loading.SafeTensors;
using TorchSharp;

namespace SdWeb.Engine.Networks;

/// <summary>
/// Reads a LoRA <c>.safetensors</c> file, kohya/AUTOMATIC1111 or diffusers format, into float32 CPU layers.
/// Pickled files (.pt, .ckpt, .bin) are refused as checkpoints are; a file that is not a complete LoRA is refused
/// with what is wrong.
/// </summary>
internal static class LoraFile
{
    public static LoraNetwork Read(string path)
    {
        if (PickleRefusal.HasPickleExtension(path)) throw PickleRefusal.Refuse(path);
        using var file = SafeTensorsFile.Open(path);
        var parts = new Dictionary<(LoraComponent, string), Dictionary<LoraPart, string>>();
        foreach (var name in file.Tensors.Keys.Order(StringComparer.Ordinal))
        {
            LoraKey? key;
            try { key = LoraKey.Parse(name); }
            catch (Exception e) when (e is NotSupportedException or FormatException)
            {
                throw new ModelLoadException($"{path}: {e.Message}.");
            }
            if (key is null)
                throw new ModelLoadException(
                    $"{path}: '{name}' is not a LoRA entry for Stable Diffusion v1 (expected kohya lora_unet_…/lora_te_… or diffusers unet.…/text_encoder.… keys).");
            var module = parts.TryGetValue((key.Component, key.FlatModule), out var found) ? found
                : parts[(key.Component, key.FlatModule)] = [];
            module[key.Part] = name;
        }
        if (parts.Count == 0) throw new ModelLoadException($"{path}: the file holds no LoRA layers.");

        var layers = new List<LoraLayer>();
        try
        {
            foreach (var ((component, module), names) in parts)
                layers.Add(ReadLayer(file, component, module, names));
        }
        catch
        {
            foreach (var layer in layers) { layer.Down.Dispose(); layer.Up.Dispose(); }
            throw;
        }
        return new LoraNetwork(path, layers);
    }

    private static LoraLayer ReadLayer(SafeTensorsFile file, LoraComponent component, string module, Dictionary<LoraPart, string> names)
    {
        if (!names.TryGetValue(LoraPart.Down, out var downName) || !names.TryGetValue(LoraPart.Up, out var upName))
            throw new ModelLoadException(
                $"{file.Path}: layer '{names.Values.First()}' lacks its {(names.ContainsKey(LoraPart.Down) ? "up" : "down")} matrix; the file is incomplete.");
        float? alpha = null;
        if (names.TryGetValue(LoraPart.Alpha, out var alphaName))
        {
            using var a = file.Read(alphaName, torch.ScalarType.Float32);
            if (a.numel() != 1) throw new ModelLoadException($"{file.Path}: '{alphaName}' should be one number, not a tensor of {a.numel()}.");
            alpha = a.item<float>();
        }
        var down = file.Read(downName, torch.ScalarType.Float32);
        var up = file.Read(upName, torch.ScalarType.Float32);
        if (down.dim() is not (2 or 4) || up.dim() is not (2 or 4))
        {
            var message = $"{file.Path}: layer '{downName}' has a [{string.Join(",", down.shape)}] down and a " +
                          $"[{string.Join(",", up.shape)}] up matrix, not those of a Linear or Conv2d LoRA.";
            down.Dispose();
            up.Dispose();
            throw new ModelLoadException(message);
        }
        return new LoraLayer(downName, component, module, down, up, alpha);
    }
}
