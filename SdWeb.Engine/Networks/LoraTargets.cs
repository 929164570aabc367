using TorchSharp;

namespace SdWeb.Engine.Networks;

/// <summary>
/// The weights a LoRA can change: every Linear/Conv2d weight of the text encoder and the UNet, found by the flat
/// names LoRA files use (the parameter path without ".weight", '.' → '_'; the models' parameter names are diffusers').
/// <paramref name="textEncoderChanged"/> is called after the text encoder's weights change (so cached prompt
/// encodings are dropped).
/// </summary>
internal sealed class LoraTargets(torch.nn.Module textEncoder, torch.nn.Module unet, Action textEncoderChanged)
{
    private readonly Lazy<Dictionary<string, (string Name, torch.Tensor Weight)>> _textEncoder = new(() => Index(textEncoder));
    private readonly Lazy<Dictionary<string, (string Name, torch.Tensor Weight)>> _unet = new(() => Index(unet));

    public void OnTextEncoderChanged() => textEncoderChanged();

    /// <summary>Every weight a LoRA may change, by parameter name (text encoder first).</summary>
    public IEnumerable<(string Name, torch.Tensor Weight)> Weights =>
        _textEncoder.Value.Values.Select(v => ("text_encoder." + v.Name, v.Weight))
            .Concat(_unet.Value.Values.Select(v => ("unet." + v.Name, v.Weight)));

    /// <returns>The parameter's name and tensor, or false when the model has no such module.</returns>
    public bool TryFind(LoraComponent component, string flatModule, out string name, out torch.Tensor weight)
    {
        var index = component == LoraComponent.TextEncoder ? _textEncoder.Value : _unet.Value;
        if (index.TryGetValue(flatModule, out var found))
        {
            (name, weight) = found;
            return true;
        }
        (name, weight) = ("", null!);
        return false;
    }

    private static Dictionary<string, (string, torch.Tensor)> Index(torch.nn.Module module)
    {
        var index = new Dictionary<string, (string, torch.Tensor)>(StringComparer.Ordinal);
        foreach (var (name, parameter) in module.named_parameters())
        {
            if (!name.EndsWith(".weight", StringComparison.Ordinal) || parameter.dim() is not (2 or 4)) continue;
            index[name[..^".weight".Length].Replace('.', '_')] = (name, parameter);
        }
        return index;
    }
}
