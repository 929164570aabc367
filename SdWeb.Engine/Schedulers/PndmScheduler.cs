using TorchSharp;
using static TorchSharp.torch;

namespace SdWeb.Engine.Schedulers;

/// <summary>
/// diffusers' PNDMScheduler in its PLMS form (skip_prk_steps, as Stable Diffusion configures it): a linear multistep
/// method over up to four past noise predictions. The schedule has N+1 entries, repeating the second timestep, because
/// the first step needs a second model evaluation to bootstrap.
/// </summary>
internal sealed class PndmScheduler : AlphaProductScheduler
{
    private static readonly SchedulerConfig Defaults = new()
    {
        TimestepSpacing = "leading", StepsOffset = 0, SetAlphaToOne = false, SkipPrkSteps = false,
    };

    private readonly List<Tensor> _ets = [];
    private Tensor? _curSample;
    private int _counter;

    public PndmScheduler(SchedulerConfig config, string name = "pndm")
        : base(name, config, Defaults, "epsilon", "v_prediction")
    {
        if (Config.SkipPrkSteps != true)
            throw new NotSupportedException(
                "PNDM is implemented in its PLMS form only (skip_prk_steps = true, as Stable Diffusion's config sets it); " +
                "set skip_prk_steps to true or pick another scheduler.");
    }

    protected override long[] BuildIntegerSchedule(int numInferenceSteps)
    {
        ClearHistory();
        var ascending = TimestepSpacing.Integer(Config, numInferenceSteps).Reverse().ToArray();
        if (ascending.Length == 1) return ascending;
        long[] plms = [.. ascending[..^1], ascending[^2], ascending[^1]];
        return plms.Reverse().ToArray();
    }

    public override SchedulerStepOutput Step(Tensor modelOutput, Tensor timestep, Tensor sample, Generator? generator)
    {
        var t = (long)ValueOf(timestep);
        var prevT = t - StepRatio;
        using var scope = NewDisposeScope();
        if (_counter != 1)
        {
            if (_ets.Count > 3)
            {
                _ets[0].Dispose();
                _ets.RemoveAt(0);
            }
            _ets.Add(modelOutput.clone().DetachFromDisposeScope());
        }
        else
        {
            // The bootstrap's second call re-evaluates the first step from the same sample.
            prevT = t;
            t += StepRatio;
        }

        Tensor eps;
        var x = sample;
        if (_ets.Count == 1 && _counter == 0)
        {
            eps = modelOutput;
            _curSample = sample.clone().DetachFromDisposeScope();
        }
        else if (_ets.Count == 1 && _counter == 1)
        {
            eps = (modelOutput + _ets[^1]) / 2;
            x = _curSample!;
        }
        else if (_ets.Count == 2)
            eps = (3 * _ets[^1] - _ets[^2]) / 2;
        else if (_ets.Count == 3)
            eps = (23 * _ets[^1] - 16 * _ets[^2] + 5 * _ets[^3]) / 12;
        else
            eps = (1.0 / 24) * (55 * _ets[^1] - 59 * _ets[^2] + 37 * _ets[^3] - 9 * _ets[^4]);

        var (prev, predOriginal) = PrevSample(x, t, prevT, eps);
        if (_counter == 1)
        {
            _curSample!.Dispose();
            _curSample = null;
        }
        _counter++;
        return new SchedulerStepOutput(prev.MoveToOuterDisposeScope(), predOriginal.MoveToOuterDisposeScope());
    }

    /// <summary>Formula (9) of the PNDM paper, plus the x0 estimate from the same quantities (for previews).</summary>
    private (Tensor Prev, Tensor PredOriginal) PrevSample(Tensor sample, long t, long prevT, Tensor modelOutput)
    {
        var alphaProdT = AlphaProductAt(t);
        var alphaProdPrev = AlphaProductAt(prevT);
        var betaProdT = 1 - alphaProdT;
        var betaProdPrev = 1 - alphaProdPrev;
        if (Config.PredictionType == "v_prediction")
            modelOutput = Float32Math.Sqrt(alphaProdT) * modelOutput + Float32Math.Sqrt(betaProdT) * sample;

        var sampleCoeff = Float32Math.Sqrt(alphaProdPrev / alphaProdT);
        var denominator = alphaProdT * Float32Math.Sqrt(betaProdPrev) + Float32Math.Sqrt(alphaProdT * betaProdT * alphaProdPrev);
        var prev = sampleCoeff * sample - (alphaProdPrev - alphaProdT) * modelOutput / denominator;
        var predOriginal = (sample - Float32Math.Sqrt(betaProdT) * modelOutput) / Float32Math.Sqrt(alphaProdT);
        return (prev, predOriginal);
    }

    protected override void ReleaseTensors()
    {
        ClearHistory();
        base.ReleaseTensors();
    }

    private void ClearHistory()
    {
        foreach (var e in _ets) e.Dispose();
        _ets.Clear();
        _curSample?.Dispose();
        _curSample = null;
        _counter = 0;
    }
}
