using TorchSharp;
using static TorchSharp.torch;

namespace SdWeb.Engine.Schedulers;

/// <summary>
/// The k-diffusion family (LMS, Euler, Euler Ancestral, Heun): latents scaled by sigma, model input divided by
/// sqrt(sigma²+1), sigmas interpolated in float64 over the training sigmas and stored as float32 with a final 0.
/// </summary>
internal abstract class SigmaScheduler : SchedulerBase
{
    private Tensor? _sigmas;

    protected SigmaScheduler(string name, SchedulerConfig config, SchedulerConfig classDefaults, params string[] predictionTypes)
        : base(name, config, classDefaults, predictionTypes)
    {
    }

    /// <summary>The linspace-spaced, SD-style defaults of these classes.</summary>
    protected static SchedulerConfig KDiffusionDefaults { get; } = new() { TimestepSpacing = "linspace", StepsOffset = 0 };

    /// <summary>float32 noise levels, one per timestep plus the final one (CPU).</summary>
    public Tensor Sigmas => _sigmas ?? throw new InvalidOperationException($"The {Name} scheduler has no sigmas yet; call SetTimesteps first.");

    protected float[] SigmaValues { get; private set; } = [];

    public override float InitNoiseSigma
    {
        get
        {
            var max = SigmaValues.Length > 0 ? SigmaValues.Max() : Train.Sigmas[^1];
            return TimestepSpacing.Spacing(Config) is "linspace" or "trailing" ? max : MathF.Sqrt(max * max + 1f);
        }
    }

    protected override float[] BuildSchedule(int numInferenceSteps)
    {
        var timesteps = TimestepSpacing.Fractional(Config, numInferenceSteps).Select(t => (double)t).ToArray();
        var sigmas = NumpyCompat.InterpOverIndex(timesteps, Train.Sigmas);
        if (Config.UseKarrasSigmas)
        {
            sigmas = KarrasSigmas.Between(sigmas[^1], sigmas[0], numInferenceSteps);
            var logSigmas = KarrasSigmas.LogOf(Train.Sigmas);
            timesteps = sigmas.Select(s => KarrasSigmas.SigmaToT(s, logSigmas)).ToArray();
        }
        var (t, s) = Expand(NumpyCompat.ToFloat32(timesteps), NumpyCompat.ToFloat32(sigmas.Append(0.0)));
        _sigmas?.Dispose();
        _sigmas = tensor(s, dtype: ScalarType.Float32);
        SigmaValues = s;
        ResetState();
        return t;
    }

    /// <summary>Lets a sampler reshape the schedule (Heun repeats every interior point).</summary>
    protected virtual (float[] Timesteps, float[] Sigmas) Expand(float[] timesteps, float[] sigmas) => (timesteps, sigmas);

    /// <summary>Clears the multistep/half-step state at the start of a run.</summary>
    protected abstract void ResetState();

    protected override void ReleaseTensors()
    {
        ResetState();
        _sigmas?.Dispose();
        _sigmas = null;
    }

    public override Tensor ScaleModelInput(Tensor sample, Tensor timestep)
    {
        InitStepIndex(timestep);
        using var scope = NewDisposeScope();
        var sigma = Sigmas[StepIndex!.Value];
        return (sample / Float32Math.Sqrt(sigma.pow(2) + 1)).MoveToOuterDisposeScope();
    }

    /// <summary>x0 from the model output at noise level sigma (epsilon, v_prediction or sample).</summary>
    protected Tensor PredictOriginal(Tensor modelOutput, Tensor sample, Tensor sigma) => Config.PredictionType switch
    {
        "epsilon" => sample - sigma * modelOutput,
        "v_prediction" => modelOutput * (-sigma / Float32Math.Sqrt(sigma.pow(2) + 1)) + sample / (sigma.pow(2) + 1),
        _ => modelOutput.alias(),
    };

    public override Tensor AddNoise(Tensor originalSamples, Tensor noise, Tensor timesteps)
    {
        using var scope = NewDisposeScope();
        var indices = tensor(IndicesOf(timesteps).Select(i => (long)i).ToArray());
        var sigma = Broadcastable(Sigmas.to(originalSamples.dtype, originalSamples.device)[indices], originalSamples);
        return (originalSamples + noise * sigma).MoveToOuterDisposeScope();
    }
}
