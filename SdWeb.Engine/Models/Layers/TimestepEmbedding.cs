using SdWeb.Engine.Devices;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SdWeb.Engine.Models.Layers;

/// <summary>diffusers' TimestepEmbedding: linear_1, the activation, linear_2.</summary>
internal sealed class TimestepEmbedding : nn.Module<Tensor, Tensor>
{
    private readonly Linear linear_1;
    private readonly nn.Module<Tensor, Tensor> act;
    private readonly Linear linear_2;

    public TimestepEmbedding(int inChannels, int timeEmbedDim, string actFn, ModelPlacement placement) : base(nameof(TimestepEmbedding))
    {
        linear_1 = nn.Linear(inChannels, timeEmbedDim, device: placement.Device, dtype: placement.DType);
        act = Activations.Create(actFn);
        linear_2 = nn.Linear(timeEmbedDim, timeEmbedDim, device: placement.Device, dtype: placement.DType);
        RegisterComponents();
    }

    public override Tensor forward(Tensor sample)
    {
        using var scope = NewDisposeScope();
        return linear_2.RunInInputDType(act.forward(linear_1.RunInInputDType(sample))).MoveToOuterDisposeScope();
    }
}
