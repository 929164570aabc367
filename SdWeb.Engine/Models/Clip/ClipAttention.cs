using SdWeb.Engine.Devices;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SdWeb.Engine.Models.Clip;

/// <summary>
/// transformers' CLIPAttention (eager): multi-head self-attention with q scaled by head_dim^-0.5 right after q_proj and an
/// additive causal mask, computed with the same bmm/softmax sequence as upstream so fp32 results match it.
/// </summary>
internal sealed class ClipAttention : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Linear k_proj;
    private readonly Linear v_proj;
    private readonly Linear q_proj;
    private readonly Linear out_proj;
    private readonly long _heads;
    private readonly long _headDim;
    private readonly double _scale;

    public ClipAttention(ClipTextConfig config, ModelPlacement placement) : base(nameof(ClipAttention))
    {
        long dim = config.HiddenSize;
        _heads = config.NumAttentionHeads;
        _headDim = dim / _heads;
        _scale = Math.Pow(_headDim, -0.5);
        k_proj = nn.Linear(dim, dim, device: placement.Device, dtype: placement.DType);
        v_proj = nn.Linear(dim, dim, device: placement.Device, dtype: placement.DType);
        q_proj = nn.Linear(dim, dim, device: placement.Device, dtype: placement.DType);
        out_proj = nn.Linear(dim, dim, device: placement.Device, dtype: placement.DType);
        RegisterComponents();
    }

    /// <param name="hiddenStates">[batch, seq, hidden]</param>
    /// <param name="causalMask">[seq, seq]: 0 where a position may attend, the dtype's minimum where it may not.</param>
    public override Tensor forward(Tensor hiddenStates, Tensor causalMask)
    {
        using var scope = NewDisposeScope();
        long batch = hiddenStates.shape[0], length = hiddenStates.shape[1], dim = hiddenStates.shape[2];

        var query = SplitHeads(q_proj.forward(hiddenStates) * _scale, batch, length);
        var key = SplitHeads(k_proj.forward(hiddenStates), batch, length);
        var value = SplitHeads(v_proj.forward(hiddenStates), batch, length);

        var weights = bmm(query, key.transpose(1, 2)).view(batch, _heads, length, length) + causalMask;
        var probabilities = weights.view(batch * _heads, length, length).softmax(-1);
        var output = bmm(probabilities, value)
            .view(batch, _heads, length, _headDim).transpose(1, 2).reshape(batch, length, dim);
        return out_proj.forward(output).MoveToOuterDisposeScope();
    }

    /// <summary>[batch, seq, hidden] → [batch·heads, seq, head_dim].</summary>
    private Tensor SplitHeads(Tensor x, long batch, long length) =>
        x.view(batch, length, _heads, _headDim).transpose(1, 2).contiguous().view(batch * _heads, length, _headDim);
}
