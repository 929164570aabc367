using SdWeb.Engine.Devices;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SdWeb.Engine.Models.Layers;

/// <summary>
/// diffusers' FeedForward with the GEGLU activation: <c>net.0</c> (GEGLU), <c>net.2</c> (Linear back), run over at most
/// <see cref="ChunkTokens"/> tokens at a time as diffusers' forward chunking (<c>_chunked_feed_forward</c> along the tokens)
/// does. Every token goes through it alone, so the result is the same; what changes is the peak: GEGLU's projection to 8×
/// the width, its gate and its product are the largest maps of a UNet step at 64² (at 512², CFG batch 2 and float32 160 MiB,
/// 40 per chunk of 1024 tokens).
/// </summary>
internal sealed class FeedForward : nn.Module<Tensor, Tensor>
{
    /// <summary>Tokens per chunk: the 64² latents of a 512² image in 4 chunks, 32² and smaller in one.</summary>
    public const int ChunkTokens = 1024;

    private readonly ModuleList<nn.Module<Tensor, Tensor>> net;

    public FeedForward(int dim, ModelPlacement placement, int mult = 4) : base(nameof(FeedForward))
    {
        var innerDim = dim * mult;
        net = nn.ModuleList<nn.Module<Tensor, Tensor>>(
            new GEGLU(dim, innerDim, placement),
            nn.Identity(), // diffusers' Dropout slot, kept so the output Linear is named net.2 as in the checkpoints
            nn.Linear(innerDim, dim, device: placement.Device, dtype: placement.DType));
        RegisterComponents();
    }

    /// <param name="hiddenStates">[B, N, dim] tokens.</param>
    public override Tensor forward(Tensor hiddenStates)
    {
        using var scope = NewDisposeScope();
        var tokens = hiddenStates.shape[1];
        var output = tokens <= ChunkTokens
            ? Apply(hiddenStates)
            : cat(hiddenStates.split(ChunkTokens, dim: 1).Select(Apply).ToList(), dim: 1);
        return output.MoveToOuterDisposeScope();
    }

    private Tensor Apply(Tensor tokens)
    {
        using var scope = NewDisposeScope();
        var output = tokens;
        foreach (var module in net) output = module.RunInInputDType(output);
        return output.MoveToOuterDisposeScope();
    }
}
