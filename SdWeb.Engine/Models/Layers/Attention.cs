using System.Diagnostics.CodeAnalysis;
using SdWeb.Engine.Devices;
using SdWeb.Engine.Kernels;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SdWeb.Engine.Models.Layers;

/// <summary>
/// diffusers' Attention (attention_processor.py) with the scaled-dot-product processor (AttnProcessor2_0), whose
/// attention itself is <see cref="ScaledDotProductAttention"/>.
/// The UNet's transformer blocks use it on token sequences [B, N, C] without q/k/v bias; the VAE mid-block uses it
/// on feature maps [B, C, H, W] with bias, a GroupNorm in front and a residual connection.
/// </summary>
internal sealed class Attention : nn.Module<Tensor, Tensor?, Tensor>, IKernelSelectable
{
    private readonly Float32GroupNorm? group_norm;
    private readonly Linear to_q;
    private readonly Linear to_k;
    private readonly Linear to_v;
    private readonly ModuleList<Linear> to_out;
    private readonly int _heads;
    private readonly bool _residualConnection;
    private readonly double _rescaleOutputFactor;
    private bool _libtorchAttention;

    /// <param name="crossAttentionDim">Width of the encoder states for cross-attention; null for self-attention.</param>
    /// <param name="normNumGroups">Groups of the GroupNorm applied to the input first; null for none.</param>
    public Attention(int queryDim, int? crossAttentionDim, int heads, int dimHead, bool bias, ModelPlacement placement,
        int? normNumGroups = null, double eps = 1e-5, bool residualConnection = false, double rescaleOutputFactor = 1.0)
        : base(nameof(Attention))
    {
        var (device, dtype) = (placement.Device, placement.DType);
        var innerDim = dimHead * heads;
        var keyDim = crossAttentionDim ?? queryDim;
        if (normNumGroups is int groups)
            group_norm = new Float32GroupNorm(groups, queryDim, eps, placement);
        to_q = nn.Linear(queryDim, innerDim, hasBias: bias, device: device, dtype: dtype);
        to_k = nn.Linear(keyDim, innerDim, hasBias: bias, device: device, dtype: dtype);
        to_v = nn.Linear(keyDim, innerDim, hasBias: bias, device: device, dtype: dtype);
        // diffusers' to_out.1 is a Dropout, which holds no weights and does nothing at inference.
        to_out = nn.ModuleList(nn.Linear(innerDim, queryDim, hasBias: true, device: device, dtype: dtype));
        _heads = heads;
        _residualConnection = residualConnection;
        _rescaleOutputFactor = rescaleOutputFactor;
        SelectKernels(placement);
        RegisterComponents();
    }

    public ModelPlacement KernelsSelectedBy { get; private set; }

    [MemberNotNull(nameof(KernelsSelectedBy))]
    public void SelectKernels(ModelPlacement placement) => (KernelsSelectedBy, _libtorchAttention) = (placement, placement.LibtorchAttention);

    /// <param name="hiddenStates">[B, N, C] tokens or a [B, C, H, W] feature map.</param>
    /// <param name="encoderHiddenStates">[B, M, crossAttentionDim] for cross-attention; null for self-attention.</param>
    public override Tensor forward(Tensor hiddenStates, Tensor? encoderHiddenStates)
    {
        using var scope = NewDisposeScope();
        var residual = hiddenStates;
        var isFeatureMap = hiddenStates.dim() == 4;
        var (batch, channels, height, width) = isFeatureMap
            ? (hiddenStates.shape[0], hiddenStates.shape[1], hiddenStates.shape[2], hiddenStates.shape[3])
            : (hiddenStates.shape[0], 0L, 0L, 0L);
        if (isFeatureMap) hiddenStates = hiddenStates.view(batch, channels, height * width).transpose(1, 2);
        if (group_norm is not null) hiddenStates = group_norm.forward(hiddenStates.transpose(1, 2)).transpose(1, 2);

        var context = encoderHiddenStates?.to(hiddenStates.dtype) ?? hiddenStates;
        var merged = ScaledDotProductAttention.Forward(
            to_q.RunInInputDType(hiddenStates), to_k.RunInInputDType(context), to_v.RunInInputDType(context), _heads, _libtorchAttention);

        var output = to_out[0].RunInInputDType(merged);
        if (isFeatureMap) output = output.transpose(-1, -2).reshape(batch, channels, height, width);
        if (_residualConnection) output = output + residual;
        if (_rescaleOutputFactor != 1) output = output / _rescaleOutputFactor;
        return output.MoveToOuterDisposeScope();
    }
}
