using SdWeb.Engine.Devices;
using SdWeb.Engine.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SdWeb.Engine.Models.Vae;

/// <summary>diffusers' DownEncoderBlock2D: resnets without time embedding, then an optional downsampler.</summary>
internal sealed class DownEncoderBlock2D : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<ResnetBlock2D> resnets;
    private readonly ModuleList<Downsample2D>? downsamplers;

    public DownEncoderBlock2D(int inChannels, int outChannels, int numLayers, double resnetEps, string resnetActFn,
        int resnetGroups, bool addDownsample, int downsamplePadding, ModelPlacement placement) : base(nameof(DownEncoderBlock2D))
    {
        resnets = nn.ModuleList(Enumerable.Range(0, numLayers)
            .Select(i => new ResnetBlock2D(i == 0 ? inChannels : outChannels, outChannels, tembChannels: null, resnetGroups,
                resnetEps, resnetActFn, outputScaleFactor: 1.0, placement))
            .ToArray());
        if (addDownsample) downsamplers = nn.ModuleList(new Downsample2D(outChannels, outChannels, downsamplePadding, placement));
        RegisterComponents();
    }

    public override Tensor forward(Tensor hiddenStates)
    {
        using var scope = NewDisposeScope();
        var hidden = hiddenStates;
        foreach (var resnet in resnets) hidden = resnet.forward(hidden, null).Replacing(hidden, hiddenStates);
        if (downsamplers is not null) hidden = downsamplers[0].forward(hidden).Replacing(hidden, hiddenStates);
        return hidden.MoveToOuterDisposeScope();
    }
}
