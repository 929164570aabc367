using SdWeb.Engine.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SdWeb.Engine.Models.Unet;

/// <summary>
/// diffusers' CrossAttnUpBlock2D: for each layer, concatenate the next skip state, then a (resnet, transformer) pair;
/// then an optional upsampler.
/// </summary>
internal sealed class CrossAttnUpBlock2D : UNetUpBlock
{
    private readonly ModuleList<ResnetBlock2D> resnets;
    private readonly ModuleList<Transformer2DModel> attentions;
    private readonly ModuleList<Upsample2D>? upsamplers;

    /// <param name="inChannels">Channels of the block's last skip state (from the next-deeper down block's input).</param>
    /// <param name="prevOutputChannel">Channels coming from the previous up block (or the mid block).</param>
    public CrossAttnUpBlock2D(int inChannels, int outChannels, int prevOutputChannel, int numLayers, int numAttentionHeads,
        bool onlyCrossAttention, bool addUpsample, UNetBlockSettings s) : base(nameof(CrossAttnUpBlock2D))
    {
        resnets = nn.ModuleList(Enumerable.Range(0, numLayers)
            .Select(i => new ResnetBlock2D(UpBlockChannels.ResnetInput(i, numLayers, inChannels, outChannels, prevOutputChannel),
                outChannels, s.TembChannels, s.ResnetGroups, s.ResnetEps, s.ResnetActFn, outputScaleFactor: 1.0, s.Placement))
            .ToArray());
        attentions = nn.ModuleList(Enumerable.Range(0, numLayers)
            .Select(_ => new Transformer2DModel(numAttentionHeads, outChannels / numAttentionHeads, outChannels,
                s.TransformerLayersPerBlock, s.CrossAttentionDim, s.ResnetGroups, s.UseLinearProjection, onlyCrossAttention,
                s.Placement))
            .ToArray());
        if (addUpsample) upsamplers = nn.ModuleList(new Upsample2D(outChannels, outChannels, s.Placement));
        RegisterComponents();
    }

    public override int SkipCount => resnets.Count;

    public override Tensor forward(Tensor hiddenStates, IReadOnlyList<Tensor> skips, Tensor temb, Tensor encoderHiddenStates,
        long[]? upsampleSize)
    {
        using var scope = NewDisposeScope();
        // Each intermediate is freed as soon as the next layer has read it, not when the block ends: at 64² the three
        // concatenations and resnet and attention outputs of up block 3 would hold 120 MiB at CFG batch 2 in float32.
        var input = hiddenStates;
        for (var i = 0; i < resnets.Count; i++)
        {
            Tensor resnetOutput;
            using (var withSkip = cat([hiddenStates, skips[skips.Count - 1 - i]], dim: 1))
                resnetOutput = resnets[i].forward(withSkip, temb);
            using (resnetOutput)
                hiddenStates = attentions[i].forward(resnetOutput, encoderHiddenStates).Replacing(hiddenStates, input);
        }
        if (upsamplers is not null) hiddenStates = upsamplers[0].forward(hiddenStates, upsampleSize).Replacing(hiddenStates, input);
        return hiddenStates.MoveToOuterDisposeScope();
    }
}
