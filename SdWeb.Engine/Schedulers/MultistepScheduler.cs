using TorchSharp;
using static TorchSharp.torch;

namespace SdWeb.Engine.Schedulers;

/// <summary>
/// The data-prediction multistep solvers (DPM-Solver++ 2M, UniPC): integer timesteps from steps+1 points, sigmas
/// ending at sigma(t=0) rather than 0 (or repeating the last Karras sigma), unit initial noise, and the model output
/// converted to an x0 prediction before stepping.
/// </summary>
internal abstract class MultistepScheduler : SchedulerBase
{
    /// <summary>diffusers' default solver_order, which SD configs never change.</summary>
    protected const int SolverOrder = 2;

    private Tensor? _sigmas;
    private readonly Tensor?[] _modelOutputs = new Tensor?[SolverOrder];

    protected MultistepScheduler(string name, SchedulerConfig config)
        : base(name, config, new SchedulerConfig { TimestepSpacing = "linspace", StepsOffset = 0 }, "epsilon", "v_prediction", "sample")
    {
    }

    public override float InitNoiseSigma => 1f;

    /// <summary>float32 noise levels, one per timestep plus the final one (CPU).</summary>
    public Tensor Sigmas => _sigmas ?? throw new InvalidOperationException($"The {Name} scheduler has no sigmas yet; call SetTimesteps first.");

    /// <summary>How many steps have run, capped at the solver order (diffusers' lower_order_nums).</summary>
    protected int LowerOrderNums { get; set; }

    /// <summary>The converted (x0) model outputs of the last steps, oldest first; index ^1 is the latest.</summary>
    protected IReadOnlyList<Tensor?> ModelOutputs => _modelOutputs;

    protected override float[] BuildSchedule(int numInferenceSteps)
    {
        var trainSigmas = Train.Sigmas;
        double[] timesteps, sigmas;
        if (Config.UseKarrasSigmas)
        {
            var logSigmas = KarrasSigmas.LogOf(trainSigmas);
            sigmas = KarrasSigmas.Between(trainSigmas[0], trainSigmas[^1], numInferenceSteps);
            timesteps = sigmas.Select(s => NumpyCompat.Round(KarrasSigmas.SigmaToT(s, logSigmas))).ToArray();
            sigmas = [.. sigmas, sigmas[^1]];
        }
        else
        {
            timesteps = TimestepSpacing.Multistep(Config, numInferenceSteps).Select(t => (double)t).ToArray();
            sigmas = [.. NumpyCompat.InterpOverIndex(timesteps, trainSigmas), trainSigmas[0]];
        }
        var s32 = NumpyCompat.ToFloat32(sigmas);
        _sigmas?.Dispose();
        _sigmas = tensor(s32, dtype: ScalarType.Float32);
        for (var i = 0; i < SolverOrder; i++) ReplaceModelOutput(i, null);
        LowerOrderNums = 0;
        ResetState();
        return NumpyCompat.ToFloat32(timesteps);
    }

    /// <summary>Clears the solver's own state at the start of a run.</summary>
    protected virtual void ResetState()
    {
    }

    protected override void ReleaseTensors()
    {
        for (var i = 0; i < SolverOrder; i++) ReplaceModelOutput(i, null);
        ResetState();
        _sigmas?.Dispose();
        _sigmas = null;
    }

    public override Tensor ScaleModelInput(Tensor sample, Tensor timestep) => sample.alias();

    /// <summary>(alpha_t, sigma_t) of the VP process at noise level sigma, as 0-d tensors.</summary>
    protected static (Tensor Alpha, Tensor Sigma) AlphaSigma(Tensor sigma)
    {
        var alpha = Float32Math.Sqrt(sigma.pow(2) + 1).reciprocal();
        return (alpha, sigma * alpha);
    }

    /// <summary>log(alpha_t) - log(sigma_t) at the schedule position <paramref name="index"/>.</summary>
    protected Tensor Lambda(int index)
    {
        var (alpha, sigma) = AlphaSigma(Sigmas[index]);
        return alpha.log() - sigma.log();
    }

    /// <summary>diffusers' convert_model_output for data prediction: the model's x0 estimate at the current step.</summary>
    protected Tensor ConvertModelOutput(Tensor modelOutput, Tensor sample)
    {
        var (alpha, sigma) = AlphaSigma(Sigmas[StepIndex!.Value]);
        return Config.PredictionType switch
        {
            "epsilon" => (sample - sigma * modelOutput) / alpha,
            "sample" => modelOutput.alias(),
            _ => alpha * sample - sigma * modelOutput,
        };
    }

    /// <summary>Shifts the model-output history by one and stores the newest (kept across steps).</summary>
    protected void PushModelOutput(Tensor converted)
    {
        _modelOutputs[0]?.Dispose();
        for (var i = 0; i < SolverOrder - 1; i++) _modelOutputs[i] = _modelOutputs[i + 1];
        _modelOutputs[^1] = converted.clone().DetachFromDisposeScope();
    }

    private void ReplaceModelOutput(int i, Tensor? value)
    {
        _modelOutputs[i]?.Dispose();
        _modelOutputs[i] = value;
    }

    /// <summary>Like the k-diffusion family but with alpha_t/sigma_t: alpha_t·x0 + sigma_t·noise.</summary>
    public override Tensor AddNoise(Tensor originalSamples, Tensor noise, Tensor timesteps)
    {
        using var scope = NewDisposeScope();
        var indices = tensor(IndicesOf(timesteps).Select(i => (long)i).ToArray());
        var sigma = Broadcastable(Sigmas.to(originalSamples.dtype, originalSamples.device)[indices], originalSamples);
        var (alpha, sigmaT) = AlphaSigma(sigma);
        return (alpha * originalSamples + sigmaT * noise).MoveToOuterDisposeScope();
    }
}
