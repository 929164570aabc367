using TorchSharp;
using static TorchSharp.torch;

namespace SdWeb.Engine.Schedulers;

/// <summary>
/// diffusers' LMSDiscreteScheduler: k-diffusion's linear multistep sampler of order 4 over the last derivatives.
/// </summary>
public sealed class LmsDiscreteScheduler : SigmaScheduler
{
    private const int MaxOrder = 4;
    private readonly List<Tensor> _derivatives = [];

    public LmsDiscreteScheduler(SchedulerConfig config, string name = "lms")
        : base(name, config, KDiffusionDefaults, "epsilon", "v_prediction", "sample")
    {
    }

    protected override void ResetState()
    {
        foreach (var d in _derivatives) d.Dispose();
        _derivatives.Clear();
    }

    public override SchedulerStepOutput Step(Tensor modelOutput, Tensor timestep, Tensor sample, Generator? generator)
    {
        InitStepIndex(timestep);
        var index = StepIndex!.Value;
        using var scope = NewDisposeScope();
        var sigma = Sigmas[index];
        var predOriginal = PredictOriginal(modelOutput, sample, sigma);

        _derivatives.Add(((sample - predOriginal) / sigma).DetachFromDisposeScope());
        if (_derivatives.Count > MaxOrder)
        {
            _derivatives[0].Dispose();
            _derivatives.RemoveAt(0);
        }

        // diffusers takes the order from the absolute step index and zips the coefficients with the stored
        // derivatives: img2img starts mid-schedule with fewer derivatives, so only the first coefficients apply.
        var order = Math.Min(index + 1, MaxOrder);
        var applied = Math.Min(order, _derivatives.Count);
        Tensor? sum = null;
        for (var current = 0; current < applied; current++)
        {
            var term = _derivatives[^(current + 1)] * LmsCoefficient(order, index, current);
            sum = sum is null ? term : sum + term;
        }
        var prev = sample + sum!;
        StepIndex = index + 1;
        return new SchedulerStepOutput(prev.MoveToOuterDisposeScope(), predOriginal.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// ∫ over [σ_t, σ_t+1] of the Lagrange basis polynomial for node <paramref name="current"/>. The integrand is
    /// evaluated in float32, as diffusers does with its float32 sigma tensors.
    /// </summary>
    private double LmsCoefficient(int order, int t, int current)
    {
        var s = SigmaValues;
        double Basis(double tau)
        {
            var tau32 = (float)tau;
            var prod = 1f;
            for (var k = 0; k < order; k++)
                if (k != current)
                    prod *= (tau32 - s[t - k]) / (s[t - current] - s[t - k]);
            return prod;
        }
        return GaussKronrod21.Integrate(Basis, s[t], s[t + 1]);
    }
}
