using TorchSharp;
using static TorchSharp.torch;

namespace SdWeb.Engine.Schedulers;

/// <summary>
/// diffusers' DPMSolverMultistepScheduler as DPM++ 2M: algorithm dpmsolver++, solver_order 2, midpoint solver,
/// lower_order_final (first order on the last step when there are fewer than 15 steps). With use_karras_sigmas it is
/// "DPM++ 2M Karras".
/// </summary>
internal sealed class DpmSolverMultistepScheduler : MultistepScheduler
{
    public DpmSolverMultistepScheduler(SchedulerConfig config, string name = "dpmpp_2m")
        : base(name, config)
    {
    }

    public override SchedulerStepOutput Step(Tensor modelOutput, Tensor timestep, Tensor sample, Generator? generator)
    {
        InitStepIndex(timestep, lastWhenMissing: true);
        var index = StepIndex!.Value;
        var steps = TimestepValues.Length;
        var lowerOrderFinal = index == steps - 1 && steps < 15;
        using var scope = NewDisposeScope();

        var x0 = ConvertModelOutput(modelOutput, sample);
        PushModelOutput(x0);
        var prev = LowerOrderNums < 1 || lowerOrderFinal ? FirstOrderUpdate(x0, sample, index) : SecondOrderUpdate(sample, index);
        if (LowerOrderNums < SolverOrder) LowerOrderNums++;
        StepIndex = index + 1;
        return new SchedulerStepOutput(prev.MoveToOuterDisposeScope(), x0.MoveToOuterDisposeScope());
    }

    /// <summary>DPM-Solver++(1), i.e. DDIM in the data-prediction form.</summary>
    private Tensor FirstOrderUpdate(Tensor x0, Tensor sample, int index)
    {
        var (alphaT, sigmaT) = AlphaSigma(Sigmas[index + 1]);
        var (_, sigmaS) = AlphaSigma(Sigmas[index]);
        var h = Lambda(index + 1) - Lambda(index);
        return sigmaT / sigmaS * sample - alphaT * (Float32Math.Exp(-h) - 1.0) * x0;
    }

    /// <summary>DPM-Solver++(2M) with the midpoint correction.</summary>
    private Tensor SecondOrderUpdate(Tensor sample, int index)
    {
        var (alphaT, sigmaT) = AlphaSigma(Sigmas[index + 1]);
        var (_, sigmaS0) = AlphaSigma(Sigmas[index]);
        var lambdaT = Lambda(index + 1);
        var lambdaS0 = Lambda(index);
        var lambdaS1 = Lambda(index - 1);
        var m0 = ModelOutputs[^1]!;
        var m1 = ModelOutputs[^2]!;
        var h = lambdaT - lambdaS0;
        var h0 = lambdaS0 - lambdaS1;
        var r0 = h0 / h;
        var d1 = (1.0 / r0) * (m0 - m1);
        var phi = alphaT * (Float32Math.Exp(-h) - 1.0);
        return sigmaT / sigmaS0 * sample - phi * m0 - 0.5 * phi * d1;
    }
}
