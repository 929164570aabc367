using SdWeb.Engine.Devices;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SdWeb.Engine.Models.Clip;

/// <summary>transformers' CLIPEncoder: the stack of encoder layers.</summary>
internal sealed class ClipEncoder : nn.Module
{
    private readonly ModuleList<ClipEncoderLayer> layers;

    public ClipEncoder(ClipTextConfig config, ModelPlacement placement) : base(nameof(ClipEncoder))
    {
        layers = nn.ModuleList(Enumerable.Range(0, config.NumHiddenLayers).Select(_ => new ClipEncoderLayer(config, placement)).ToArray());
        RegisterComponents();
    }

    /// <summary>Runs every layer; intermediates belong to the caller's dispose scope.</summary>
    /// <param name="causalMask">[seq, seq] additive mask.</param>
    /// <param name="collectedStates">When given, receives each layer's output (the caller adds the embeddings itself).</param>
    public Tensor forward(Tensor hiddenStates, Tensor causalMask, List<Tensor>? collectedStates)
    {
        foreach (var layer in layers)
        {
            hiddenStates = layer.forward(hiddenStates, causalMask);
            collectedStates?.Add(hiddenStates);
        }
        return hiddenStates;
    }
}
