using SdWeb.Engine.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SdWeb.Engine.Models.Unet;

/// <summary>diffusers' UpBlock2D: for each layer, concatenate the next skip state, then a resnet; then an optional upsampler.</summary>
internal sealed class UpBlock2D : UNetUpBlock
{
    private readonly ModuleList<ResnetBlock2D> resnets;
    private readonly ModuleList<Upsample2D>? upsamplers;

    /// <param name="inChannels">Channels of the block's last skip state (from the next-deeper down block's input).</param>
    /// <param name="prevOutputChannel">Channels coming from the previous up block (or the mid block).</param>
    public UpBlock2D(int inChannels, int outChannels, int prevOutputChannel, int numLayers, bool addUpsample,
        UNetBlockSettings s) : base(nameof(UpBlock2D))
    {
        resnets = nn.ModuleList(Enumerable.Range(0, numLayers)
            .Select(i => new ResnetBlock2D(UpBlockChannels.ResnetInput(i, numLayers, inChannels, outChannels, prevOutputChannel),
                outChannels, s.TembChannels, s.ResnetGroups, s.ResnetEps, s.ResnetActFn, outputScaleFactor: 1.0, s.Placement))
            .ToArray());
        if (addUpsample) upsamplers = nn.ModuleList(new Upsample2D(outChannels, outChannels, s.Placement));
        RegisterComponents();
    }

    public override int SkipCount => resnets.Count;

    public override Tensor forward(Tensor hiddenStates, IReadOnlyList<Tensor> skips, Tensor temb, Tensor encoderHiddenStates,
        long[]? upsampleSize)
    {
        using var scope = NewDisposeScope();
        var input = hiddenStates; // intermediates freed as they are replaced (CrossAttnUpBlock2D)
        for (var i = 0; i < resnets.Count; i++)
        {
            using var withSkip = cat([hiddenStates, skips[skips.Count - 1 - i]], dim: 1);
            hiddenStates = resnets[i].forward(withSkip, temb).Replacing(hiddenStates, input);
        }
        if (upsamplers is not null) hiddenStates = upsamplers[0].forward(hiddenStates, upsampleSize).Replacing(hiddenStates, input);
        return hiddenStates.MoveToOuterDisposeScope();
    }
}
