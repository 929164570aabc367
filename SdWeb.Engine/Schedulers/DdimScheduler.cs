using TorchSharp;
using static TorchSharp.torch;

namespace SdWeb.Engine.Schedulers;

/// <summary>diffusers' DDIMScheduler with eta = 0 (deterministic DDIM).</summary>
internal sealed class DdimScheduler : AlphaProductScheduler
{
    private static readonly SchedulerConfig Defaults = new()
    {
        TimestepSpacing = "leading", StepsOffset = 0, SetAlphaToOne = true, ClipSample = true, ClipSampleRange = 1.0,
    };

    public DdimScheduler(SchedulerConfig config, string name = "ddim")
        : base(name, config, Defaults, "epsilon", "v_prediction", "sample")
    {
    }

    protected override long[] BuildIntegerSchedule(int numInferenceSteps) => TimestepSpacing.Integer(Config, numInferenceSteps);

    public override SchedulerStepOutput Step(Tensor modelOutput, Tensor timestep, Tensor sample, Generator? generator)
    {
        var t = (long)ValueOf(timestep);
        using var scope = NewDisposeScope();
        var alphaProdT = AlphaProductAt(t);
        var alphaProdPrev = AlphaProductAt(t - StepRatio);
        var betaProdT = 1 - alphaProdT;

        var (predOriginal, predEpsilon) = Config.PredictionType switch
        {
            "epsilon" => ((sample - Float32Math.Sqrt(betaProdT) * modelOutput) / Float32Math.Sqrt(alphaProdT), modelOutput),
            "sample" => (modelOutput.alias(), (sample - Float32Math.Sqrt(alphaProdT) * modelOutput) / Float32Math.Sqrt(betaProdT)),
            _ => (Float32Math.Sqrt(alphaProdT) * sample - Float32Math.Sqrt(betaProdT) * modelOutput,
                  Float32Math.Sqrt(alphaProdT) * modelOutput + Float32Math.Sqrt(betaProdT) * sample),
        };
        if (Config.ClipSample == true)
            predOriginal = predOriginal.clamp(-Config.ClipSampleRange!.Value, Config.ClipSampleRange!.Value);

        // eta = 0: std_dev_t is 0, so the direction term uses sqrt(1 - ᾱ_prev) and no noise is added.
        var direction = Float32Math.Sqrt(1 - alphaProdPrev) * predEpsilon;
        var prev = Float32Math.Sqrt(alphaProdPrev) * predOriginal + direction;
        return new SchedulerStepOutput(prev.MoveToOuterDisposeScope(), predOriginal.MoveToOuterDisposeScope());
    }
}
