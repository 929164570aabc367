using SdWeb.Engine.Devices;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SdWeb.Engine.Models.Layers;

/// <summary>diffusers' FeedForward with the GEGLU activation: <c>net.0</c> (GEGLU), <c>net.2</c> (Linear back).</summary>
internal sealed class FeedForward : nn.Module<Tensor, Tensor>
{
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

    public override Tensor forward(Tensor hiddenStates)
    {
        using var scope = NewDisposeScope();
        var output = hiddenStates;
        foreach (var module in net) output = module.RunInInputDType(output);
        return output.MoveToOuterDisposeScope();
    }
}
