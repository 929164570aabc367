using SdWeb.Engine.Devices;
using TorchSharp;
using static TorchSharp.torch;

namespace SdWeb.Engine.Schedulers;

/// <summary>
/// diffusers 0.24's DPMSolverMultistepScheduler with algorithm_type "sde-dpmsolver++" ("DPM++ 2M SDE"): the
/// DPM-Solver++(2M) midpoint update on the stochastic path. Every step draws one randn of the latents' shape from the
/// pipeline's generator (diffusers' randn_tensor), so a seed reproduces diffusers' images; AUTOMATIC1111's
/// Brownian-tree noise gives different ones.
/// </summary>
internal sealed class DpmSolverSdeMultistepScheduler : MultistepScheduler
{
    public DpmSolverSdeMultistepScheduler(SchedulerConfig config, string name = "dpmpp_2m_sde")
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
        // Drawn on every step, before the update, as diffusers does (also on first-order steps).
        var noise = SeededNoise.Randn(modelOutput, generator);
        var secondOrder = LowerOrderNums >= 1 && !lowerOrderFinal;
        var prev = Update(sample, noise, index, secondOrder);
        if (LowerOrderNums < SolverOrder) LowerOrderNums++;
        StepIndex = index + 1;
        return new SchedulerStepOutput(prev.MoveToOuterDisposeScope(), x0.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// x_t = σ_t/σ_s·e^(−h)·x + α_t(1−e^(−2h))·(D0 + ½D1) + σ_t·√(1−e^(−2h))·noise, with D1 = 0 for the first-order step
    /// (diffusers writes the two as separate functions; the terms are the same).
    /// </summary>
    private Tensor Update(Tensor sample, Tensor noise, int index, bool secondOrder)
    {
        var (alphaT, sigmaT) = AlphaSigma(Sigmas[index + 1]);
        var (_, sigmaS0) = AlphaSigma(Sigmas[index]);
        var lambdaS0 = Lambda(index);
        var h = Lambda(index + 1) - lambdaS0;
        var m0 = ModelOutputs[^1]!;
        var decay = alphaT * (1 - Float32Math.Exp(-2.0 * h));
        var result = sigmaT / sigmaS0 * Float32Math.Exp(-h) * sample + decay * m0;
        if (secondOrder)
        {
            var r0 = (lambdaS0 - Lambda(index - 1)) / h;
            var d1 = (1.0 / r0) * (m0 - ModelOutputs[^2]!);
            result = result + 0.5 * decay * d1;
        }
        return result + sigmaT * Float32Math.Sqrt(1.0 - Float32Math.Exp(-2.0 * h)) * noise;
    }
}
