using SdWeb.Engine.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SdWeb.Engine.Models.Unet;

/// <summary>diffusers' CrossAttnDownBlock2D: (resnet, transformer) pairs, then an optional stride-2 downsampler.</summary>
internal sealed class CrossAttnDownBlock2D : UNetDownBlock
{
    private readonly ModuleList<ResnetBlock2D> resnets;
    private readonly ModuleList<Transformer2DModel> attentions;
    private readonly ModuleList<Downsample2D>? downsamplers;

    public CrossAttnDownBlock2D(int inChannels, int outChannels, int numLayers, int numAttentionHeads, bool onlyCrossAttention,
        bool addDownsample, int downsamplePadding, UNetBlockSettings s) : base(nameof(CrossAttnDownBlock2D))
    {
        resnets = nn.ModuleList(Enumerable.Range(0, numLayers)
            .Select(i => new ResnetBlock2D(i == 0 ? inChannels : outChannels, outChannels, s.TembChannels, s.ResnetGroups,
                s.ResnetEps, s.ResnetActFn, outputScaleFactor: 1.0, s.Placement))
            .ToArray());
        attentions = nn.ModuleList(Enumerable.Range(0, numLayers)
            .Select(_ => new Transformer2DModel(numAttentionHeads, outChannels / numAttentionHeads, outChannels,
                s.TransformerLayersPerBlock, s.CrossAttentionDim, s.ResnetGroups, s.UseLinearProjection, onlyCrossAttention,
                s.Placement))
            .ToArray());
        if (addDownsample) downsamplers = nn.ModuleList(new Downsample2D(outChannels, outChannels, downsamplePadding, s.Placement));
        RegisterComponents();
    }

    public override (Tensor Output, IReadOnlyList<Tensor> Skips) forward(Tensor hiddenStates, Tensor temb, Tensor encoderHiddenStates)
    {
        using var scope = NewDisposeScope();
        var skips = new List<Tensor>();
        for (var i = 0; i < resnets.Count; i++)
        {
            using var resnetOutput = resnets[i].forward(hiddenStates, temb); // not a skip: freed once read
            hiddenStates = attentions[i].forward(resnetOutput, encoderHiddenStates);
            skips.Add(hiddenStates);
        }
        if (downsamplers is not null)
        {
            hiddenStates = downsamplers[0].forward(hiddenStates);
            skips.Add(hiddenStates);
        }
        scope.MoveToOuter(skips);
        return (hiddenStates, skips);
    }
}
