using SdWeb.Engine.Loading;
using TorchSharp;

namespace SdWeb.Engine.Networks;

/// <summary>
/// LoRAs merged into the model's weights for one job, A1111-style: W += multiplier · (alpha / rank) · up @ down, in
/// float32, cast back to the weight's dtype, the LoRAs in order. Every changed weight's original is kept (a copy on its
/// own device) and copied back on <see cref="Dispose"/>, so the base weights return bit for bit; nothing is subtracted.
/// </summary>
internal sealed class MergedLoras : IDisposable
{
    private readonly LoraTargets _targets;
    private readonly Dictionary<torch.Tensor, torch.Tensor> _originals = new(ReferenceEqualityComparer.Instance);
    private bool _textEncoderChanged;

    private MergedLoras(LoraTargets targets) => _targets = targets;

    /// <summary>Reads every file and checks every layer against the model before any weight changes.</summary>
    /// <exception cref="ModelLoadException">A file that cannot be read, or a layer the model lacks or that does not fit.</exception>
    public static MergedLoras Apply(LoraTargets targets, IReadOnlyList<NetworkActivation> activations)
    {
        var networks = new List<LoraNetwork>();
        try
        {
            foreach (var activation in activations)
            {
                if (!double.IsFinite(activation.Multiplier))
                    throw new ModelLoadException($"LoRA {activation.Name}: the multiplier {activation.Multiplier} is not a number.");
                networks.Add(LoraFile.Read(activation.Path));
                CheckFit(targets, networks[^1]);
            }
            var merged = new MergedLoras(targets);
            try
            {
                for (int i = 0; i < networks.Count; i++) merged.Merge(networks[i], activations[i].Multiplier);
            }
            catch
            {
                merged.Dispose();
                throw;
            }
            return merged;
        }
        finally
        {
            foreach (var network in networks) network.Dispose();
        }
    }

    private static void CheckFit(LoraTargets targets, LoraNetwork network)
    {
        foreach (var layer in network.Layers)
        {
            if (!targets.TryFind(layer.Component, layer.FlatModule, out var name, out var weight))
                throw new ModelLoadException(
                    $"{network.Path}: layer '{layer.Name}' does not fit the model: it has no {ComponentName(layer.Component)} module " +
                    $"'{layer.FlatModule}'. The LoRA was made for another architecture (SD 2, SDXL?) or names modules in a way SdWeb does not read.");
            if (!layer.Fits(weight.shape))
                throw new ModelLoadException(
                    $"{network.Path}: layer '{layer.Name}' does not fit the model: it changes a [{string.Join(",", layer.WeightShape)}] " +
                    $"weight, but {name} is [{string.Join(",", weight.shape)}]. The LoRA was made for another base model (SD 2, SDXL?).");
        }
    }

    private static string ComponentName(LoraComponent component) => component == LoraComponent.Unet ? "UNet" : "text encoder";

    private void Merge(LoraNetwork network, double multiplier)
    {
        using var noGrad = torch.no_grad();
        foreach (var layer in network.Layers)
        {
            var weight = WeightOf(layer);
            if (!_originals.ContainsKey(weight)) _originals[weight] = weight.clone();
            if (layer.Component == LoraComponent.TextEncoder) _textEncoderChanged = true;
            using var scope = torch.NewDisposeScope();
            var delta = layer.Delta(weight.shape, multiplier, weight.device);
            weight.copy_(weight.to(torch.ScalarType.Float32) + delta);
        }
        if (_textEncoderChanged) _targets.OnTextEncoderChanged();
    }

    private torch.Tensor WeightOf(LoraLayer layer) =>
        _targets.TryFind(layer.Component, layer.FlatModule, out _, out var weight) ? weight
            : throw new InvalidOperationException($"{layer.Name} was checked to fit before merging.");

    /// <summary>Copies every original back.</summary>
    public void Dispose()
    {
        using var noGrad = torch.no_grad();
        foreach (var (weight, original) in _originals)
        {
            weight.copy_(original);
            original.Dispose();
        }
        _originals.Clear();
        if (_textEncoderChanged) _targets.OnTextEncoderChanged();
        _textEncoderChanged = false;
    }
}
