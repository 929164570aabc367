using SdWeb.Engine.Devices;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SdWeb.Engine.Models.Layers;

/// <summary>
/// LayerNorm over the last dimension whose statistics and affine transform run in float32 whatever the model's dtype,
/// the result cast back to the input's dtype (see <see cref="Float32GroupNorm"/>, also for the mixed-dtype kernel).
/// Parameters: <c>weight</c>, <c>bias</c>.
/// </summary>
internal sealed class Float32LayerNorm : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter bias;
    private readonly long[] _shape;
    private readonly double _eps;

    public Float32LayerNorm(int dim, double eps, ModelPlacement placement) : base("LayerNorm")
    {
        weight = new Parameter(ones(dim, dtype: ScalarType.Float32, device: placement.Device), requires_grad: false);
        bias = new Parameter(zeros(dim, dtype: ScalarType.Float32, device: placement.Device), requires_grad: false);
        _shape = [dim];
        _eps = eps;
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        if (input.dtype == ScalarType.Float32 || MixedPrecision.NormsInFloat32Natively(input))
            return nn.functional.layer_norm(input, _shape, weight, bias, _eps);
        using var wide = input.to(ScalarType.Float32);
        using var normed = nn.functional.layer_norm(wide, _shape, weight, bias, _eps);
        return normed.to(input.dtype);
    }
}
