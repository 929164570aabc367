using TorchSharp;
using static TorchSharp.torch;

namespace SdWeb.Engine.Models.Layers;

/// <summary>
/// diffusers' Timesteps (get_timestep_embedding): sinusoidal features of (possibly fractional) timesteps,
/// <c>t·exp(-ln(10000)·i/(half - freq_shift))</c> for i in [0, half), as [sin, cos] or, flipped, [cos, sin].
/// Always computed in float32, like diffusers.
/// </summary>
internal sealed class Timesteps : nn.Module<Tensor, Tensor>
{
    private const double MaxPeriod = 10000;
    private readonly int _numChannels;
    private readonly bool _flipSinToCos;
    private readonly double _downscaleFreqShift;

    public Timesteps(int numChannels, bool flipSinToCos, double downscaleFreqShift) : base(nameof(Timesteps))
    {
        _numChannels = numChannels;
        _flipSinToCos = flipSinToCos;
        _downscaleFreqShift = downscaleFreqShift;
    }

    /// <param name="timesteps">[B] timesteps, any numeric dtype.</param>
    /// <returns>[B, numChannels] float32.</returns>
    public override Tensor forward(Tensor timesteps)
    {
        using var scope = NewDisposeScope();
        var half = _numChannels / 2;
        // The frequencies are rebuilt per call, as diffusers does: a few hundred floats, and caching them in a
        // field would make them a (weightless) buffer that checkpoints do not have.
        var exponent = arange(0, half, dtype: ScalarType.Float32, device: timesteps.device) * -Math.Log(MaxPeriod);
        exponent = exponent / (half - _downscaleFreqShift);
        var angles = timesteps.unsqueeze(1).to_type(ScalarType.Float32) * exponent.exp().unsqueeze(0);
        var (sin, cos) = (angles.sin(), angles.cos());
        var embedding = _flipSinToCos ? cat([cos, sin], dim: -1) : cat([sin, cos], dim: -1);
        if (_numChannels % 2 == 1) embedding = nn.functional.pad(embedding, (0, 1, 0, 0));
        return embedding.MoveToOuterDisposeScope();
    }
}
