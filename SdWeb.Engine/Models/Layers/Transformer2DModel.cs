using SdWeb.Engine.Devices;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SdWeb.Engine.Models.Layers;

/// <summary>
/// diffusers' Transformer2DModel for continuous inputs: GroupNorm (eps 1e-6), proj_in, transformer blocks over the
/// H·W tokens, proj_out, plus the input. The projections are 1×1 convs (SD v1) or Linear layers
/// (<c>use_linear_projection</c>, SD v2).
/// </summary>
internal sealed class Transformer2DModel : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Float32GroupNorm norm;
    private readonly nn.Module<Tensor, Tensor> proj_in;
    private readonly ModuleList<BasicTransformerBlock> transformer_blocks;
    private readonly nn.Module<Tensor, Tensor> proj_out;
    private readonly bool _useLinearProjection;

    public Transformer2DModel(int numAttentionHeads, int attentionHeadDim, int inChannels, int numLayers,
        int crossAttentionDim, int normNumGroups, bool useLinearProjection, bool onlyCrossAttention, ModelPlacement placement)
        : base(nameof(Transformer2DModel))
    {
        var (device, dtype) = (placement.Device, placement.DType);
        var innerDim = numAttentionHeads * attentionHeadDim;
        norm = new Float32GroupNorm(normNumGroups, inChannels, 1e-6, placement);
        proj_in = useLinearProjection
            ? nn.Linear(inChannels, innerDim, device: device, dtype: dtype)
            : nn.Conv2d(inChannels, innerDim, 1, device: device, dtype: dtype);
        transformer_blocks = nn.ModuleList(Enumerable.Range(0, numLayers)
            .Select(_ => new BasicTransformerBlock(innerDim, numAttentionHeads, attentionHeadDim, crossAttentionDim,
                onlyCrossAttention, placement))
            .ToArray());
        proj_out = useLinearProjection
            ? nn.Linear(innerDim, inChannels, device: device, dtype: dtype)
            : nn.Conv2d(innerDim, inChannels, 1, device: device, dtype: dtype);
        _useLinearProjection = useLinearProjection;
        RegisterComponents();
    }

    public override Tensor forward(Tensor hiddenStates, Tensor encoderHiddenStates)
    {
        using var scope = NewDisposeScope();
        var (batch, height, width) = (hiddenStates.shape[0], hiddenStates.shape[2], hiddenStates.shape[3]);
        var residual = hiddenStates;
        // Intermediates are freed as they are replaced (BasicTransformerBlock), views included: a view keeps its base.
        Tensor tokens;
        using (var normed = norm.forward(hiddenStates))
        {
            if (_useLinearProjection)
            {
                using var flat = ToTokens(normed, batch, height, width);
                tokens = proj_in.RunInInputDType(flat);
            }
            else
            {
                using var projected = proj_in.RunInInputDType(normed);
                tokens = ToTokens(projected, batch, height, width);
            }
        }

        foreach (var block in transformer_blocks)
        {
            tokens = block.forward(tokens, encoderHiddenStates).Replacing(tokens, null);
            HostMemory.ReleaseFreed(); // the block's attention and feed-forward temporaries (80 MiB at 64²)
        }

        Tensor output;
        using (tokens)
        {
            if (_useLinearProjection)
            {
                using var projected = proj_out.RunInInputDType(tokens);
                output = ToFeatureMap(projected, batch, height, width);
            }
            else
            {
                using var map = ToFeatureMap(tokens, batch, height, width);
                output = proj_out.RunInInputDType(map);
            }
        }
        return output.add_(residual).MoveToOuterDisposeScope();
    }

    /// <summary>[B, C, H, W] → [B, H·W, C].</summary>
    private static Tensor ToTokens(Tensor map, long batch, long height, long width)
    {
        using var nhwc = map.permute(0, 2, 3, 1);
        return nhwc.reshape(batch, height * width, map.shape[1]);
    }

    /// <summary>[B, H·W, C] → [B, C, H, W].</summary>
    private static Tensor ToFeatureMap(Tensor tokens, long batch, long height, long width)
    {
        using var nhwc = tokens.reshape(batch, height, width, tokens.shape[^1]);
        using var nchw = nhwc.permute(0, 3, 1, 2);
        return nchw.contiguous();
    }
}
