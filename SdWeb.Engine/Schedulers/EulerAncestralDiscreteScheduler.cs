using SdWeb.Engine.Devices;
using TorchSharp;
using static TorchSharp.torch;

namespace SdWeb.Engine.Schedulers;

/// <summary>
/// diffusers' EulerAncestralDiscreteScheduler: an Euler step down to sigma_down, then fresh noise of size sigma_up
/// drawn from the generator.
/// </summary>
internal sealed class EulerAncestralDiscreteScheduler : SigmaScheduler
{
    public EulerAncestralDiscreteScheduler(SchedulerConfig config, string name = "euler_a")
        : base(name, config, KDiffusionDefaults, "epsilon", "v_prediction")
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
        var sigma = Sigmas[index];
        var predOriginal = PredictOriginal(modelOutput, sample, sigma);

        var sigmaFrom = Sigmas[index];
        var sigmaTo = Sigmas[index + 1];
        var sigmaUp = Float32Math.Sqrt(sigmaTo.pow(2) * (sigmaFrom.pow(2) - sigmaTo.pow(2)) / sigmaFrom.pow(2));
        var sigmaDown = Float32Math.Sqrt(sigmaTo.pow(2) - sigmaUp.pow(2));

        var derivative = (sample - predOriginal) / sigma;
        var prev = sample + derivative * (sigmaDown - sigma);
        prev = prev + SeededNoise.Randn(modelOutput, generator) * sigmaUp;
        StepIndex = index + 1;
        return new SchedulerStepOutput(prev.MoveToOuterDisposeScope(), predOriginal.MoveToOuterDisposeScope());
    }
}
