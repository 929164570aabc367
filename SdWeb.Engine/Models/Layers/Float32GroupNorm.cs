using SdWeb.Engine.Devices;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SdWeb.Engine.Models.Layers;

/// <summary>
/// An affine GroupNorm whose statistics and affine transform run in float32 whatever the model's dtype, its result cast
/// back to the input's dtype. In bf16, a norm computed in bf16 doubles the error against fp32. Its weights are float32
/// (a few KiB per norm); parameter names are PyTorch's <c>weight</c> and <c>bias</c>. A bf16 input on the CPU goes to
/// libtorch's mixed-dtype kernel (<see cref="MixedPrecision.NormsInFloat32Natively"/>).
/// </summary>
internal sealed class Float32GroupNorm : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter bias;
    private readonly long _numGroups;
    private readonly double _eps;

    public Float32GroupNorm(int numGroups, int numChannels, double eps, ModelPlacement placement) : base("GroupNorm")
    {
        weight = new Parameter(ones(numChannels, dtype: ScalarType.Float32, device: placement.Device), requires_grad: false);
        bias = new Parameter(zeros(numChannels, dtype: ScalarType.Float32, device: placement.Device), requires_grad: false);
        _numGroups = numGroups;
        _eps = eps;
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        if (input.dtype == ScalarType.Float32 || MixedPrecision.NormsInFloat32Natively(input))
            return nn.functional.group_norm(input, _numGroups, weight, bias, _eps);
        using var wide = input.to(ScalarType.Float32);
        using var normed = nn.functional.group_norm(wide, _numGroups, weight, bias, _eps);
        return normed.to(input.dtype);
    }
}
