using TorchSharp;
using static TorchSharp.torch;

namespace SdWeb.Engine.Schedulers;

/// <summary>
/// The DDPM-style samplers (DDIM, PNDM): integer timesteps, unscaled model input, unit initial noise, and steps
/// written in terms of the cumulative alpha products.
/// </summary>
internal abstract class AlphaProductScheduler : SchedulerBase
{
    protected AlphaProductScheduler(string name, SchedulerConfig config, SchedulerConfig classDefaults, params string[] predictionTypes)
        : base(name, config, classDefaults, predictionTypes)
    {
        FinalAlphaCumprod = Config.SetAlphaToOne == true ? tensor(1.0f) : Train.AlphasCumprod[0];
    }

    public override float InitNoiseSigma => 1f;

    /// <summary>ᾱ used past the end of the schedule (prev timestep &lt; 0).</summary>
    protected Tensor FinalAlphaCumprod { get; }

    /// <summary>The training timestep distance between consecutive inference steps.</summary>
    protected int StepRatio { get; private set; }

    protected override float[] BuildSchedule(int numInferenceSteps)
    {
        StepRatio = Config.NumTrainTimesteps / numInferenceSteps;
        return BuildIntegerSchedule(numInferenceSteps).Select(t => (float)t).ToArray();
    }

    protected abstract long[] BuildIntegerSchedule(int numInferenceSteps);

    protected override void ReleaseTensors() => FinalAlphaCumprod.Dispose();

    /// <summary>0-d ᾱ at a training timestep, or the final value before t = 0.</summary>
    protected Tensor AlphaProductAt(long timestep) => timestep >= 0 ? Train.AlphasCumprod[timestep] : FinalAlphaCumprod;

    public override Tensor ScaleModelInput(Tensor sample, Tensor timestep) => sample.alias();

    /// <summary>DDPM's forward process: sqrt(ᾱ)·x0 + sqrt(1-ᾱ)·noise at the given (integer) timesteps.</summary>
    public override Tensor AddNoise(Tensor originalSamples, Tensor noise, Tensor timesteps)
    {
        using var scope = NewDisposeScope();
        var alphasCumprod = Train.AlphasCumprod.to(originalSamples.dtype, originalSamples.device);
        var a = alphasCumprod[timesteps.to(ScalarType.Int64, originalSamples.device)];
        var sqrtAlpha = Broadcastable(Float32Math.Sqrt(a), originalSamples);
        var sqrtOneMinusAlpha = Broadcastable(Float32Math.Sqrt(1 - a), originalSamples);
        return (sqrtAlpha * originalSamples + sqrtOneMinusAlpha * noise).MoveToOuterDisposeScope();
    }
}
