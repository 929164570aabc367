using SdWeb.Engine.Devices;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SdWeb.Engine.Models.Clip;

/// <summary>transformers' CLIPEncoderLayer: pre-LayerNorm self-attention and MLP, each with a residual connection.</summary>
internal sealed class ClipEncoderLayer : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly ClipAttention self_attn;
    private readonly LayerNorm layer_norm1;
    private readonly ClipMlp mlp;
    private readonly LayerNorm layer_norm2;

    public ClipEncoderLayer(ClipTextConfig config, ModelPlacement placement) : base(nameof(ClipEncoderLayer))
    {
        self_attn = new ClipAttention(config, placement);
        layer_norm1 = nn.LayerNorm(config.HiddenSize, config.LayerNormEps, device: placement.Device, dtype: placement.DType);
        mlp = new ClipMlp(config, placement);
        layer_norm2 = nn.LayerNorm(config.HiddenSize, config.LayerNormEps, device: placement.Device, dtype: placement.DType);
        RegisterComponents();
    }

    public override Tensor forward(Tensor hiddenStates, Tensor causalMask)
    {
        using var scope = NewDisposeScope();
        var afterAttention = hiddenStates + self_attn.forward(layer_norm1.forward(hiddenStates), causalMask);
        return (afterAttention + mlp.forward(layer_norm2.forward(afterAttention))).MoveToOuterDisposeScope();
    }
}
