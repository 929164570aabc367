using SdWeb.Engine.Devices;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SdWeb.Engine.Models.Layers;

/// <summary>
/// diffusers' BasicTransformerBlock (attention.py) with "layer_norm" norms: self-attention, cross-attention on the
/// text embeddings, then the GEGLU feed-forward, each pre-normed and added back.
/// </summary>
internal sealed class BasicTransformerBlock : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Float32LayerNorm norm1;
    private readonly Attention attn1;
    private readonly Float32LayerNorm norm2;
    private readonly Attention attn2;
    private readonly Float32LayerNorm norm3;
    private readonly FeedForward ff;
    private readonly bool _onlyCrossAttention;

    /// <param name="onlyCrossAttention">attn1 also attends to the encoder states instead of to itself.</param>
    public BasicTransformerBlock(int dim, int numAttentionHeads, int attentionHeadDim, int crossAttentionDim,
        bool onlyCrossAttention, ModelPlacement placement) : base(nameof(BasicTransformerBlock))
    {
        var (device, dtype) = (placement.Device, placement.DType);
        norm1 = new Float32LayerNorm(dim, 1e-5, placement);
        attn1 = new Attention(dim, onlyCrossAttention ? crossAttentionDim : null, numAttentionHeads, attentionHeadDim,
            bias: false, placement);
        norm2 = new Float32LayerNorm(dim, 1e-5, placement);
        attn2 = new Attention(dim, crossAttentionDim, numAttentionHeads, attentionHeadDim, bias: false, placement);
        norm3 = new Float32LayerNorm(dim, 1e-5, placement);
        ff = new FeedForward(dim, placement);
        _onlyCrossAttention = onlyCrossAttention;
        RegisterComponents();
    }

    public override Tensor forward(Tensor hiddenStates, Tensor encoderHiddenStates)
    {
        using var scope = NewDisposeScope();
        // Each norm's output and each replaced state is freed as soon as it has been read, and each branch's own output
        // takes the residual in place: at 64² a state is 10 MiB at CFG batch 2 in float32, and the block made nine.
        var input = hiddenStates;
        using (var normed = norm1.forward(hiddenStates))
            hiddenStates = attn1.forward(normed, _onlyCrossAttention ? encoderHiddenStates : null).add_(hiddenStates).Replacing(hiddenStates, input);
        using (var normed = norm2.forward(hiddenStates))
            hiddenStates = attn2.forward(normed, encoderHiddenStates).add_(hiddenStates).Replacing(hiddenStates, input);
        using (var normed = norm3.forward(hiddenStates))
            hiddenStates = ff.forward(normed).add_(hiddenStates).Replacing(hiddenStates, input);
        return hiddenStates.MoveToOuterDisposeScope();
    }
}
