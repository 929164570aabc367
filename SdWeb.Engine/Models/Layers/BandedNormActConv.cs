using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SdWeb.Engine.Models.Layers;

/// <summary>
/// <see cref="NormActConv"/> over a map held in <see cref="RowBands"/>, one output band at a time: the norm's
/// statistics are the whole map's (<see cref="Float32GroupNorm.AffineOver"/>), and each band is normalised, activated
/// and convolved together with the one row above and below it that a 3×3 kernel reads, so the output bands are the
/// rows of the whole-map result. In every dtype each step computes as the whole-map one does: the norm in float32, its
/// result rounded once to the map's dtype, the convolution in <see cref="MixedPrecision.ConvDType"/> with its weights
/// converted once, not per band (or, where <see cref="WinogradConv"/> applies to the whole map and the placement allows
/// it, transformed once).
/// </summary>
internal sealed class BandedNormActConv : IDisposable
{
    private readonly RowBands _input;
    private readonly nn.Module<Tensor, Tensor> _activation;
    private readonly Conv2d _conv;
    private readonly Tensor _scale;
    private readonly Tensor _shift;
    private readonly Tensor _weight; // the kernel in its compute dtype, or transformed for Winograd
    private readonly bool _winograd;
    private readonly Tensor? _bias;
    private readonly Tensor _rows;

    public BandedNormActConv(Float32GroupNorm norm, nn.Module<Tensor, Tensor> activation, Conv2d conv, RowBands input, bool winograd = false)
    {
        if (conv.padding_mode != PaddingModes.Zeros || conv.kernel_size[0] != 3 || conv.stride[0] != 1)
            throw new ArgumentException("Row bands take 3×3, stride-1, zero-padded convolutions.", nameof(conv));
        _input = input;
        _activation = activation;
        _conv = conv;
        (_scale, _shift) = norm.AffineOver(input);
        var computeDType = MixedPrecision.ConvDType(conv, input[0]);
        _winograd = winograd && computeDType == input[0].dtype
            && WinogradConv.Applies(conv.weight!, input[0], pixels: input[0].shape[0] * input.Height * input[0].shape[3]);
        (_weight, _bias) = _winograd
            ? (WinogradConv.Kernel(conv.weight!), conv.bias?.to(ScalarType.Float32))
            : MixedPrecision.WeightsIn(conv, computeDType);
        _rows = input.NeighbourRowsBuffer();
    }

    /// <summary>Rows of band <paramref name="index"/> of conv(act(norm(input))); reads the input's bands index − 1 to index + 1.</summary>
    public Tensor Band(int index)
    {
        using var scope = NewDisposeScope();
        var rows = _input.WithNeighbourRows(index, _rows);
        var normed = rows.dtype == ScalarType.Float32
            ? rows.mul_(_scale).add_(_shift)
            : rows.to(ScalarType.Float32).mul_(_scale).add_(_shift).to(rows.dtype);
        var activated = Activations.ApplyInPlace(_activation, normed);
        _input.ZeroOutsideRows(activated, index);
        // The neighbour rows stand for the vertical padding; horizontally the convolution pads as usual.
        var convolved = _winograd
            ? WinogradConv.Forward(_weight, _bias, activated, padRows: 0, padColumns: (int)_conv.padding![1])
            : nn.functional.conv2d(activated.to(_weight.dtype), _weight, _bias, padding: [0, _conv.padding![1]]);
        return convolved.to(rows.dtype).MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        _scale.Dispose();
        _shift.Dispose();
        _weight.Dispose();
        _bias?.Dispose();
        _rows.Dispose();
    }
}
