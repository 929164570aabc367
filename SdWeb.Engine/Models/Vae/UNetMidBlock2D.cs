using SdWeb.Engine.Devices;
using SdWeb.Engine.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SdWeb.Engine.Models.Vae;

/// <summary>
/// diffusers' UNetMidBlock2D as the VAE uses it: resnet, single-head self-attention over the feature map (GroupNorm in
/// front, q/k/v with bias, residual), resnet; no time embedding.
/// </summary>
internal sealed class UNetMidBlock2D : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<Attention> attentions;
    private readonly ModuleList<ResnetBlock2D> resnets;

    /// <param name="attentionHeadDim">Channels per head; the VAE passes <paramref name="inChannels"/> (one head).</param>
    public UNetMidBlock2D(int inChannels, double resnetEps, string resnetActFn, int resnetGroups, int attentionHeadDim,
        ModelPlacement placement, int numLayers = 1) : base(nameof(UNetMidBlock2D))
    {
        resnets = nn.ModuleList(Enumerable.Range(0, numLayers + 1)
            .Select(_ => new ResnetBlock2D(inChannels, inChannels, tembChannels: null, resnetGroups, resnetEps, resnetActFn,
                outputScaleFactor: 1.0, placement))
            .ToArray());
        attentions = nn.ModuleList(Enumerable.Range(0, numLayers)
            .Select(_ => new Attention(inChannels, crossAttentionDim: null, inChannels / attentionHeadDim, attentionHeadDim,
                bias: true, placement, normNumGroups: resnetGroups, eps: resnetEps, residualConnection: true))
            .ToArray());
        RegisterComponents();
    }

    public override Tensor forward(Tensor hiddenStates)
    {
        using var scope = NewDisposeScope();
        var hidden = resnets[0].forward(hiddenStates, null);
        for (var i = 0; i < attentions.Count; i++)
        {
            hidden = attentions[i].forward(hidden, null).Replacing(hidden, hiddenStates);
            hidden = resnets[i + 1].forward(hidden, null).Replacing(hidden, hiddenStates);
        }
        return hidden.MoveToOuterDisposeScope();
    }
}
