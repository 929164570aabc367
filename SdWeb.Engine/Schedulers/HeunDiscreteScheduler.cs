using TorchSharp;
using static TorchSharp.torch;

namespace SdWeb.Engine.Schedulers;

/// <summary>
/// diffusers' HeunDiscreteScheduler (Karras et al. Algorithm 1, gamma = 0): every interior timestep appears twice,
/// an Euler half step followed by the trapezoidal correction, so N steps make 2N-1 model calls.
/// </summary>
internal sealed class HeunDiscreteScheduler : SigmaScheduler
{
    private static readonly SchedulerConfig Defaults = KDiffusionDefaults with { ClipSample = false, ClipSampleRange = 1.0 };

    // The first-order half step's derivative, dt and starting sample, kept for the second-order call.
    private Tensor? _prevDerivative;
    private Tensor? _dt;
    private Tensor? _sample;

    public HeunDiscreteScheduler(SchedulerConfig config, string name = "heun")
        : base(name, config, Defaults, "epsilon", "v_prediction", "sample")
    {
    }

    public override int Order => 2;

    private bool StateInFirstOrder => _dt is null;

    protected override (float[] Timesteps, float[] Sigmas) Expand(float[] timesteps, float[] sigmas) =>
        ([timesteps[0], .. timesteps[1..].SelectMany(t => new[] { t, t })],
         [sigmas[0], .. sigmas[1..^1].SelectMany(s => new[] { s, s }), sigmas[^1]]);

    protected override void ResetState()
    {
        _prevDerivative?.Dispose();
        _dt?.Dispose();
        _sample?.Dispose();
        (_prevDerivative, _dt, _sample) = (null, null, null);
    }

    public override SchedulerStepOutput Step(Tensor modelOutput, Tensor timestep, Tensor sample, Generator? generator)
    {
        InitStepIndex(timestep);
        var index = StepIndex!.Value;
        using var scope = NewDisposeScope();
        var firstOrder = StateInFirstOrder;
        var (sigma, sigmaNext) = firstOrder ? (Sigmas[index], Sigmas[index + 1]) : (Sigmas[index - 1], Sigmas[index]);

        var predOriginal = PredictOriginal(modelOutput, sample, firstOrder ? sigma : sigmaNext);
        if (Config.ClipSample == true)
            predOriginal = predOriginal.clamp(-Config.ClipSampleRange!.Value, Config.ClipSampleRange!.Value);

        Tensor prev;
        if (firstOrder)
        {
            var derivative = (sample - predOriginal) / sigma;
            var dt = sigmaNext - sigma;
            prev = sample + derivative * dt;
            _prevDerivative = derivative.DetachFromDisposeScope();
            _dt = dt.DetachFromDisposeScope();
            _sample = sample.clone().DetachFromDisposeScope();
        }
        else
        {
            var derivative = ((sample - predOriginal) / sigmaNext + _prevDerivative!) / 2;
            prev = _sample! + derivative * _dt!;
            ResetState();
        }
        StepIndex = index + 1;
        return new SchedulerStepOutput(prev.MoveToOuterDisposeScope(), predOriginal.MoveToOuterDisposeScope());
    }
}
