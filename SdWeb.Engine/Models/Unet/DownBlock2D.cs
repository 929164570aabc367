using SdWeb.Engine.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SdWeb.Engine.Models.Unet;

/// <summary>diffusers' DownBlock2D: resnets only, then an optional stride-2 downsampler.</summary>
internal sealed class DownBlock2D : UNetDownBlock
{
    private readonly ModuleList<ResnetBlock2D> resnets;
    private readonly ModuleList<Downsample2D>? downsamplers;

    public DownBlock2D(int inChannels, int outChannels, int numLayers, bool addDownsample, int downsamplePadding,
        UNetBlockSettings s) : base(nameof(DownBlock2D))
    {
        resnets = nn.ModuleList(Enumerable.Range(0, numLayers)
            .Select(i => new ResnetBlock2D(i == 0 ? inChannels : outChannels, outChannels, s.TembChannels, s.ResnetGroups,
                s.ResnetEps, s.ResnetActFn, outputScaleFactor: 1.0, s.Placement))
            .ToArray());
        if (addDownsample) downsamplers = nn.ModuleList(new Downsample2D(outChannels, outChannels, downsamplePadding, s.Placement));
        RegisterComponents();
    }

    public override (Tensor Output, IReadOnlyList<Tensor> Skips) forward(Tensor hiddenStates, Tensor temb, Tensor encoderHiddenStates)
    {
        using var scope = NewDisposeScope();
        var skips = new List<Tensor>();
        foreach (var resnet in resnets)
        {
            hiddenStates = resnet.forward(hiddenStates, temb);
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
