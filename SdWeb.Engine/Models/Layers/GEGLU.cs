using SdWeb.Engine.Devices;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SdWeb.Engine.Models.Layers;

/// <summary>diffusers' GEGLU: one projection to twice the width, split into a value and an exact-gelu gate.</summary>
internal sealed class GEGLU : nn.Module<Tensor, Tensor>
{
    private readonly Linear proj;

    public GEGLU(int dimIn, int dimOut, ModelPlacement placement) : base(nameof(GEGLU))
    {
        proj = nn.Linear(dimIn, dimOut * 2, device: placement.Device, dtype: placement.DType);
        RegisterComponents();
    }

    public override Tensor forward(Tensor hiddenStates)
    {
        using var scope = NewDisposeScope();
        var halves = proj.RunInInputDType(hiddenStates).chunk(2, dim: -1);
        return (halves[0] * nn.functional.gelu(halves[1])).MoveToOuterDisposeScope();
    }
}
