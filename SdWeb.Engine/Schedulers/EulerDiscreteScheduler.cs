using SdWeb.Engine.Devices;
using TorchSharp;
using static TorchSharp.torch;

namespace SdWeb.Engine.Schedulers;

/// <summary>
/// diffusers' EulerDiscreteScheduler (Karras et al. Algorithm 2) with s_churn = 0. It still draws noise from the
/// generator on every step, as diffusers does, so seeded runs consume the generator identically.
/// </summary>
internal sealed class EulerDiscreteScheduler : SigmaScheduler
{
    public EulerDiscreteScheduler(SchedulerConfig config, string name = "euler")
        : base(name, config, KDiffusionDefaults, "epsilon", "v_prediction", "sample", "original_sample")
    {
    }

    protected override void ResetState()
    {
    }

    public override SchedulerStepOutput Step(Tensor modelOutput, Tensor timestep, Tensor sample, Generator? generator)
    {
        InitStepIndex(timestep);
        var index = StepIndex!.Value;
        using var scope = NewDisposeScope();
        // Upcast, as diffusers does, so half-precision latents step in float32.
        var x = sample.to_type(ScalarType.Float32);
        var sigma = Sigmas[index];
        // gamma = 0 (no churn): sigma_hat == sigma, and the noise is drawn but not added.
        SeededNoise.Randn(modelOutput, generator);
        var predOriginal = PredictOriginal(modelOutput, x, sigma);
        var derivative = (x - predOriginal) / sigma;
        var dt = Sigmas[index + 1] - sigma;
        var prev = (x + derivative * dt).to_type(modelOutput.dtype);
        StepIndex = index + 1;
        return new SchedulerStepOutput(prev.MoveToOuterDisposeScope(), predOriginal.MoveToOuterDisposeScope());
    }
}
