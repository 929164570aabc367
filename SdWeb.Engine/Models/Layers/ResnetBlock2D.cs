using System.Diagnostics.CodeAnalysis;
using SdWeb.Engine.Devices;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SdWeb.Engine.Models.Layers;

/// <summary>
/// diffusers' ResnetBlock2D (resnet.py) as Stable Diffusion uses it: pre-norm, "default" time-embedding norm
/// (the projected embedding is added after conv1), no up/down-sampling inside, a 1×1 shortcut when channels change.
/// </summary>
internal sealed class ResnetBlock2D : nn.Module<Tensor, Tensor?, Tensor>, IKernelSelectable
{
    private readonly Float32GroupNorm norm1;
    private readonly Conv2d conv1;
    private readonly Linear? time_emb_proj;
    private readonly Float32GroupNorm norm2;
    private readonly Conv2d conv2;
    private readonly nn.Module<Tensor, Tensor> nonlinearity;
    private readonly Conv2d? conv_shortcut;
    private readonly double _outputScaleFactor;
    private bool _winograd;

    /// <param name="tembChannels">Width of the time embedding; null for blocks without one (the VAE).</param>
    public ResnetBlock2D(int inChannels, int outChannels, int? tembChannels, int groups, double eps, string actFn,
        double outputScaleFactor, ModelPlacement placement) : base(nameof(ResnetBlock2D))
    {
        var (device, dtype) = (placement.Device, placement.DType);
        norm1 = new Float32GroupNorm(groups, inChannels, eps, placement);
        conv1 = nn.Conv2d(inChannels, outChannels, 3, stride: 1, padding: 1, device: device, dtype: dtype);
        if (tembChannels is int temb) time_emb_proj = nn.Linear(temb, outChannels, device: device, dtype: dtype);
        norm2 = new Float32GroupNorm(groups, outChannels, eps, placement);
        conv2 = nn.Conv2d(outChannels, outChannels, 3, stride: 1, padding: 1, device: device, dtype: dtype);
        nonlinearity = Activations.Create(actFn);
        if (inChannels != outChannels)
            conv_shortcut = nn.Conv2d(inChannels, outChannels, 1, device: device, dtype: dtype);
        _outputScaleFactor = outputScaleFactor;
        SelectKernels(placement);
        RegisterComponents();
    }

    public ModelPlacement KernelsSelectedBy { get; private set; }

    [MemberNotNull(nameof(KernelsSelectedBy))]
    public void SelectKernels(ModelPlacement placement) => (KernelsSelectedBy, _winograd) = (placement, !placement.LibtorchConvolutions);

    public override Tensor forward(Tensor inputTensor, Tensor? temb)
    {
        using var scope = NewDisposeScope();
        var hidden = NormActConv.Apply(norm1, nonlinearity, conv1, inputTensor, _winograd);
        if (time_emb_proj is not null && temb is not null)
        {
            var projected = time_emb_proj.RunInInputDType(nonlinearity.forward(temb));
            hidden.add_(projected.unsqueeze(-1).unsqueeze(-1)); // hidden is this block's own tensor
        }
        hidden = NormActConv.Apply(norm2, nonlinearity, conv2, hidden, _winograd).Replacing(hidden, inputTensor);
        var shortcut = conv_shortcut?.RunInInputDType(inputTensor) ?? inputTensor;
        var output = hidden.add_(shortcut);
        // Dividing by 1 (every SD v1 block) would only cost a pass over the tensor.
        if (_outputScaleFactor != 1) output = output / _outputScaleFactor;
        return output.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// <see cref="forward"/> without a time embedding over a map in row bands (the VAE decoder's, docs/performance.md
    /// "Decoding in row bands"), consuming <paramref name="input"/>: each of its bands is freed, or becomes the identity
    /// shortcut's, once the next band has read its edge row, so the input, conv1's output and the shortcut together never
    /// hold more than the two maps' worth and a band.
    /// </summary>
    public RowBands ForwardBands(RowBands input)
    {
        var hidden = new List<Tensor>(input.Count);
        var residual = new List<Tensor>(input.Count);
        using (var first = new BandedNormActConv(norm1, nonlinearity, conv1, input, _winograd))
        {
            for (var i = 0; i < input.Count; i++)
            {
                hidden.Add(first.Band(i));
                if (conv_shortcut is not null) residual.Add(conv_shortcut.RunInInputDType(input[i]));
                if (i > 0) Retire(i - 1);
            }
            Retire(input.Count - 1);
        }
        using var hiddenBands = new RowBands(hidden);
        using var second = new BandedNormActConv(norm2, nonlinearity, conv2, hiddenBands, _winograd);
        for (var i = 0; i < hiddenBands.Count; i++)
        {
            using var convolved = second.Band(i);
            residual[i].add_(convolved);
            if (_outputScaleFactor != 1) residual[i].div_(_outputScaleFactor);
            if (i > 0) hiddenBands.Release(i - 1);
        }
        return new RowBands(residual);

        // Band i of the input is no longer read once band i + 1's output is computed.
        void Retire(int i)
        {
            if (conv_shortcut is null) residual.Add(input.Take(i));
            else input.Release(i);
        }
    }
}
