using TorchSharp;
using static TorchSharp.torch;

namespace SdWeb.Engine.Schedulers;

/// <summary>
/// What every sampler shares: the resolved config, the training noise schedule, the current timesteps and the
/// diffusers step-index bookkeeping.
/// </summary>
internal abstract class SchedulerBase : IScheduler
{
    private Tensor? _timesteps;

    /// <param name="name">The factory name (lms, euler, ...).</param>
    /// <param name="config">The model's scheduler config.</param>
    /// <param name="classDefaults">The diffusers class's __init__ defaults for the fields the config may lack.</param>
    /// <param name="predictionTypes">The prediction types this class supports.</param>
    protected SchedulerBase(string name, SchedulerConfig config, SchedulerConfig classDefaults, params string[] predictionTypes)
    {
        Name = name;
        Config = config.WithDefaults(classDefaults);
        if (!predictionTypes.Contains(Config.PredictionType))
            throw new ArgumentException(
                $"The {name} scheduler does not support prediction_type '{Config.PredictionType}'. Valid: {string.Join(", ", predictionTypes)}.");
        TimestepSpacing.Spacing(Config); // fail on an unknown spacing now rather than at SetTimesteps
        Train = new NoiseSchedule(Config);
    }

    public string Name { get; }

    public SchedulerConfig Config { get; }

    public virtual int Order => 1;

    public Tensor Timesteps => _timesteps ?? throw NotReady();

    public abstract float InitNoiseSigma { get; }

    private protected NoiseSchedule Train { get; }

    /// <summary>The timesteps as host values, for index lookups without device syncs.</summary>
    protected float[] TimestepValues { get; private set; } = [];

    /// <summary>diffusers' _step_index: unset until the first scale_model_input/step after set_timesteps.</summary>
    protected int? StepIndex { get; set; }

    public void SetTimesteps(int numInferenceSteps)
    {
        if (numInferenceSteps < 1)
            throw new ArgumentOutOfRangeException(nameof(numInferenceSteps), numInferenceSteps, "The number of inference steps must be at least 1.");
        if (numInferenceSteps > Config.NumTrainTimesteps)
            throw new ArgumentOutOfRangeException(nameof(numInferenceSteps), numInferenceSteps,
                $"The number of inference steps cannot exceed num_train_timesteps ({Config.NumTrainTimesteps}).");
        var timesteps = BuildSchedule(numInferenceSteps);
        _timesteps?.Dispose();
        _timesteps = tensor(timesteps, dtype: ScalarType.Float32);
        TimestepValues = timesteps;
        StepIndex = null;
    }

    /// <summary>Computes the schedule for a run and resets the sampler's state; returns the timesteps.</summary>
    protected abstract float[] BuildSchedule(int numInferenceSteps);

    public abstract Tensor ScaleModelInput(Tensor sample, Tensor timestep);

    public abstract SchedulerStepOutput Step(Tensor modelOutput, Tensor timestep, Tensor sample, Generator? generator);

    public abstract Tensor AddNoise(Tensor originalSamples, Tensor noise, Tensor timesteps);

    /// <summary>
    /// diffusers' _init_step_index: the position of <paramref name="timestep"/> in the schedule, taking the second match
    /// when it repeats (so img2img starting mid-schedule does not skip a sigma).
    /// </summary>
    protected void InitStepIndex(Tensor timestep, bool lastWhenMissing = false) =>
        StepIndex ??= IndexOf(ValueOf(timestep), lastWhenMissing);

    /// <summary>The schedule position of a timestep value (second match when it repeats).</summary>
    protected int IndexOf(float timestep, bool lastWhenMissing = false)
    {
        if (TimestepValues.Length == 0) throw NotReady();
        int first = -1, second = -1;
        for (var i = 0; i < TimestepValues.Length && second < 0; i++)
            if (TimestepValues[i] == timestep)
                if (first < 0) first = i; else second = i;
        if (second >= 0) return second;
        if (first >= 0) return first;
        if (lastWhenMissing) return TimestepValues.Length - 1;
        throw new ArgumentException(
            $"Timestep {timestep} is not in the {Name} scheduler's current schedule; pass one of Timesteps.");
    }

    /// <summary>The value of a 0-d (or one-element) timestep tensor, read on the host.</summary>
    protected static float ValueOf(Tensor timestep)
    {
        if (timestep.numel() != 1)
            throw new ArgumentException($"Expected a single timestep, got a tensor of shape [{string.Join(", ", timestep.shape)}].");
        using var host = timestep.to(ScalarType.Float32, CPU);
        return host.flatten().data<float>()[0];
    }

    /// <summary>The step-index lookup for each of a batch of timesteps (add_noise).</summary>
    protected int[] IndicesOf(Tensor timesteps)
    {
        using var host = timesteps.to(ScalarType.Float32, CPU);
        return host.flatten().data<float>().ToArray().Select(t => IndexOf(t)).ToArray();
    }

    /// <summary>A per-sample scale of shape [B,1,1,...] broadcasting against <paramref name="like"/>.</summary>
    protected static Tensor Broadcastable(Tensor values, Tensor like)
    {
        var v = values.flatten();
        while (v.dim() < like.dim()) v = v.unsqueeze(-1);
        return v;
    }

    public void Dispose()
    {
        ReleaseTensors();
        _timesteps?.Dispose();
        _timesteps = null;
        Train.Dispose();
    }

    /// <summary>Frees the tensors a sampler keeps between steps; the base class frees the timesteps and the noise schedule.</summary>
    protected virtual void ReleaseTensors()
    {
    }

    private InvalidOperationException NotReady() =>
        new($"The {Name} scheduler has no timesteps yet; call SetTimesteps(numInferenceSteps) first.");
}
