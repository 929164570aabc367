using SdWeb.Engine.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SdWeb.Engine.Models.Unet;

/// <summary>diffusers' UNetMidBlock2DCrossAttn: a resnet, then (transformer, resnet) pairs, at constant width.</summary>
internal sealed class UNetMidBlock2DCrossAttn : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
    private readonly ModuleList<Transformer2DModel> attentions;
    private readonly ModuleList<ResnetBlock2D> resnets;

    public UNetMidBlock2DCrossAttn(int inChannels, int numAttentionHeads, double outputScaleFactor, UNetBlockSettings s,
        int numLayers = 1) : base(nameof(UNetMidBlock2DCrossAttn))
    {
        resnets = nn.ModuleList(Enumerable.Range(0, numLayers + 1)
            .Select(_ => new ResnetBlock2D(inChannels, inChannels, s.TembChannels, s.ResnetGroups, s.ResnetEps, s.ResnetActFn,
                outputScaleFactor, s.Placement))
            .ToArray());
        attentions = nn.ModuleList(Enumerable.Range(0, numLayers)
            .Select(_ => new Transformer2DModel(numAttentionHeads, inChannels / numAttentionHeads, inChannels,
                s.TransformerLayersPerBlock, s.CrossAttentionDim, s.ResnetGroups, s.UseLinearProjection,
                onlyCrossAttention: false, s.Placement))
            .ToArray());
        RegisterComponents();
    }

    public override Tensor forward(Tensor hiddenStates, Tensor temb, Tensor encoderHiddenStates)
    {
        using var scope = NewDisposeScope();
        var input = hiddenStates; // intermediates freed as they are replaced
        hiddenStates = resnets[0].forward(hiddenStates, temb);
        for (var i = 0; i < attentions.Count; i++)
        {
            using var attended = attentions[i].forward(hiddenStates, encoderHiddenStates);
            hiddenStates = resnets[i + 1].forward(attended, temb).Replacing(hiddenStates, input);
        }
        return hiddenStates.MoveToOuterDisposeScope();
    }
}
