using TorchSharp;
using static TorchSharp.torch;

namespace SdWeb.Engine.Schedulers;

/// <summary>
/// diffusers' UniPCMultistepScheduler with its defaults: solver_order 2, bh2, predict_x0, lower_order_final, the
/// UniC corrector on every step after the first.
/// </summary>
internal sealed class UniPcMultistepScheduler : MultistepScheduler
{
    private Tensor? _lastSample;
    private int _thisOrder;

    public UniPcMultistepScheduler(SchedulerConfig config, string name = "unipc")
        : base(name, config)
    {
    }

    protected override void ResetState()
    {
        _lastSample?.Dispose();
        _lastSample = null;
        _thisOrder = 0;
    }

    public override SchedulerStepOutput Step(Tensor modelOutput, Tensor timestep, Tensor sample, Generator? generator)
    {
        InitStepIndex(timestep, lastWhenMissing: true);
        var index = StepIndex!.Value;
        using var scope = NewDisposeScope();

        var x0 = ConvertModelOutput(modelOutput, sample);
        if (index > 0 && _lastSample is not null)
            sample = CorrectorUpdate(x0, _lastSample, _thisOrder, index);

        PushModelOutput(x0);
        var order = Math.Min(SolverOrder, TimestepValues.Length - index);
        _thisOrder = Math.Min(order, LowerOrderNums + 1);
        _lastSample?.Dispose();
        _lastSample = sample.clone().DetachFromDisposeScope();
        var prev = PredictorUpdate(sample, _thisOrder, index);
        if (LowerOrderNums < SolverOrder) LowerOrderNums++;
        StepIndex = index + 1;
        return new SchedulerStepOutput(prev.MoveToOuterDisposeScope(), x0.MoveToOuterDisposeScope());
    }

    /// <summary>UniP (B(h) = e^h - 1): predicts the next sample from the model-output history.</summary>
    private Tensor PredictorUpdate(Tensor x, int order, int index)
    {
        var m0 = ModelOutputs[^1]!;
        var (alphaT, sigmaT) = AlphaSigma(Sigmas[index + 1]);
        var (_, sigmaS0) = AlphaSigma(Sigmas[index]);
        var lambdaS0 = Lambda(index);
        var h = Lambda(index + 1) - lambdaS0;
        var (rks, d1s) = History(m0, lambdaS0, h, order, firstPast: index - 1);
        var (hPhi1, bH, _) = Coefficients(h, rks, order);

        var xT = sigmaT / sigmaS0 * x - alphaT * hPhi1 * m0;
        if (d1s is null) return xT;
        // Order 2 uses rho = 0.5, as diffusers does ("simplified version").
        var rhosP = tensor(new[] { 0.5f }, dtype: x.dtype, device: x.device);
        var predRes = einsum("k,bkc...->bc...", rhosP, d1s);
        return xT - alphaT * bH * predRes;
    }

    /// <summary>UniC: corrects the sample the previous step predicted, using the model output at it.</summary>
    private Tensor CorrectorUpdate(Tensor modelT, Tensor lastSample, int order, int index)
    {
        var m0 = ModelOutputs[^1]!;
        var (alphaT, sigmaT) = AlphaSigma(Sigmas[index]);
        var (_, sigmaS0) = AlphaSigma(Sigmas[index - 1]);
        var lambdaS0 = Lambda(index - 1);
        var h = Lambda(index) - lambdaS0;
        var (rks, d1s) = History(m0, lambdaS0, h, order, firstPast: index - 2);
        var (hPhi1, bH, (r, b)) = Coefficients(h, rks, order);

        var rhosC = order == 1
            ? tensor(new[] { 0.5f }, dtype: lastSample.dtype, device: lastSample.device)
            : linalg.solve(r, b);
        var xT = sigmaT / sigmaS0 * lastSample - alphaT * hPhi1 * m0;
        var corrRes = d1s is null ? null : einsum("k,bkc...->bc...", rhosC.narrow(0, 0, order - 1), d1s);
        var d1T = modelT - m0;
        var correction = corrRes is null ? rhosC[-1] * d1T : corrRes + rhosC[-1] * d1T;
        return xT - alphaT * bH * correction;
    }

    /// <summary>
    /// The ratios r_k = (λ_{s_k} - λ_{s0}) / h and the scaled differences D1_k = (m_k - m0) / r_k over the
    /// <paramref name="order"/> - 1 older model outputs (schedule positions firstPast, firstPast-1, ...).
    /// </summary>
    private (Tensor Rks, Tensor? D1s) History(Tensor m0, Tensor lambdaS0, Tensor h, int order, int firstPast)
    {
        var rks = new List<Tensor>();
        var d1s = new List<Tensor>();
        for (var i = 1; i < order; i++)
        {
            var mi = ModelOutputs[^(i + 1)]!;
            var rk = (Lambda(firstPast - (i - 1)) - lambdaS0) / h;
            rks.Add(rk);
            d1s.Add((mi - m0) / rk);
        }
        rks.Add(tensor(1.0f));
        return (stack(rks.Select(r => r.reshape(1)).ToArray()).flatten(), d1s.Count > 0 ? stack(d1s, dim: 1) : null);
    }

    /// <summary>h·φ1(h), B(h) and the order conditions R·ρ = b of the bh2 variant, for predicting x0 (hh = -h).</summary>
    private static (Tensor HPhi1, Tensor BH, (Tensor R, Tensor B)) Coefficients(Tensor h, Tensor rks, int order)
    {
        var hh = -h;
        var hPhi1 = hh.expm1();
        var hPhiK = hPhi1 / hh - 1;
        var bH = hh.expm1();
        var factorial = 1L;
        var r = new List<Tensor>();
        var b = new List<Tensor>();
        for (var i = 1; i <= order; i++)
        {
            r.Add(rks.pow(i - 1));
            b.Add(hPhiK * factorial / bH);
            factorial *= i + 1;
            hPhiK = hPhiK / hh - 1.0 / factorial;
        }
        return (hPhi1, bH, (stack(r), stack(b.Select(x => x.reshape(1)).ToArray()).flatten()));
    }
}
