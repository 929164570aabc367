using SdWeb.Engine.Devices;
using SdWeb.Engine.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SdWeb.Engine.Models.Vae;

/// <summary>diffusers' UpDecoderBlock2D: resnets without time embedding, then an optional ×2 upsampler.</summary>
internal sealed class UpDecoderBlock2D : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<ResnetBlock2D> resnets;
    private readonly ModuleList<Upsample2D>? upsamplers;

    public UpDecoderBlock2D(int inChannels, int outChannels, int numLayers, double resnetEps, string resnetActFn,
        int resnetGroups, bool addUpsample, ModelPlacement placement) : base(nameof(UpDecoderBlock2D))
    {
        resnets = nn.ModuleList(Enumerable.Range(0, numLayers)
            .Select(i => new ResnetBlock2D(i == 0 ? inChannels : outChannels, outChannels, tembChannels: null, resnetGroups,
                resnetEps, resnetActFn, outputScaleFactor: 1.0, placement))
            .ToArray());
        if (addUpsample) upsamplers = nn.ModuleList(new Upsample2D(outChannels, outChannels, placement));
        RegisterComponents();
    }

    public override Tensor forward(Tensor hiddenStates) => Forward(hiddenStates, keepInput: hiddenStates);

    /// <summary>
    /// <see cref="forward"/> for a caller that hands <paramref name="hiddenStates"/> over: it is freed once the first
    /// resnet has read it, so it does not stay live under the others (at 512² a 256-channel input is 128 MiB in bf16).
    /// </summary>
    public Tensor ForwardConsuming(Tensor hiddenStates) => Forward(hiddenStates, keepInput: null);

    private Tensor Forward(Tensor hiddenStates, Tensor? keepInput)
    {
        using var scope = NewDisposeScope();
        var hidden = hiddenStates;
        foreach (var resnet in resnets)
        {
            hidden = resnet.forward(hidden, null).Replacing(hidden, keepInput);
            // After a generation's steps glibc serves even maps above its mmap threshold from the holes the UNet left in
            // its heaps: what this resnet freed would stay resident under the next one (docs/performance.md).
            HostMemory.ReleaseFreed();
        }
        if (upsamplers is not null) hidden = upsamplers[0].forward(hidden, null).Replacing(hidden, keepInput);
        return hidden.MoveToOuterDisposeScope();
    }

    /// <summary><see cref="ForwardConsuming"/> over a map in row bands (<see cref="RowBands"/>).</summary>
    public RowBands ForwardBands(RowBands hiddenStates)
    {
        var hidden = hiddenStates;
        foreach (var resnet in resnets) hidden = Replace(hidden, resnet.ForwardBands(hidden));
        if (upsamplers is not null) hidden = Replace(hidden, upsamplers[0].ForwardBands(hidden));
        return hidden;

        static RowBands Replace(RowBands previous, RowBands next)
        {
            previous.Dispose();
            return next;
        }
    }
}
