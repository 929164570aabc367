using TorchSharp;
using static TorchSharp.torch;

namespace SdWeb.Engine.Schedulers;

/// <summary>
/// The training noise schedule every sampler starts from: betas, the cumulative alpha products and the sigmas
/// sqrt((1-ᾱ)/ᾱ), built in float32 torch arithmetic exactly as diffusers' scheduler constructors do. CPU tensors.
/// </summary>
internal sealed class NoiseSchedule : IDisposable
{
    public static readonly string[] BetaSchedules = ["linear", "scaled_linear", "squaredcos_cap_v2"];

    public NoiseSchedule(SchedulerConfig config)
    {
        using var scope = NewDisposeScope();
        var betas = MakeBetas(config);
        var alphasCumprod = cumprod(1.0 - betas, 0);
        AlphasCumprod = alphasCumprod.DetachFromDisposeScope();
        AlphasCumprodValues = alphasCumprod.data<float>().ToArray();
        // Host float32 arithmetic: correctly rounded like torch 1.13's vectorised div and sqrt, where recent
        // libtorch's pow(0.5) is off by an ulp at a few timesteps.
        Sigmas = AlphasCumprodValues.Select(a => MathF.Sqrt((1f - a) / a)).ToArray();
        Betas = betas.DetachFromDisposeScope();
    }

    public Tensor Betas { get; }

    /// <summary>ᾱ_t, float32 [num_train_timesteps].</summary>
    public Tensor AlphasCumprod { get; }

    public float[] AlphasCumprodValues { get; }

    /// <summary>sqrt((1-ᾱ_t)/ᾱ_t) in float32, ascending in t (numpy's view of it in set_timesteps).</summary>
    public float[] Sigmas { get; }

    public void Dispose()
    {
        Betas.Dispose();
        AlphasCumprod.Dispose();
    }

    private static Tensor MakeBetas(SchedulerConfig c)
    {
        if (c.TrainedBetas is { } trained)
        {
            if (trained.Length != c.NumTrainTimesteps)
                throw new ArgumentException(
                    $"trained_betas has {trained.Length} values but num_train_timesteps is {c.NumTrainTimesteps}; they must match.");
            return tensor(trained, dtype: ScalarType.Float32);
        }
        return c.BetaSchedule switch
        {
            "linear" => tensor(TorchLinspace.Float32(c.BetaStart, c.BetaEnd, c.NumTrainTimesteps)),
            "scaled_linear" => tensor(TorchLinspace.Float32(Math.Sqrt(c.BetaStart), Math.Sqrt(c.BetaEnd), c.NumTrainTimesteps)).pow(2),
            "squaredcos_cap_v2" => tensor(CosineBetas(c.NumTrainTimesteps), dtype: ScalarType.Float32),
            _ => throw new ArgumentException(
                $"Unknown beta_schedule '{c.BetaSchedule}'. Valid: {string.Join(", ", BetaSchedules)} (or give trained_betas)."),
        };
    }

    /// <summary>Glide's cosine schedule (diffusers' betas_for_alpha_bar), in float64 like its Python original.</summary>
    private static double[] CosineBetas(int n)
    {
        static double AlphaBar(double t) => Math.Pow(Math.Cos((t + 0.008) / 1.008 * Math.PI / 2), 2);
        return Enumerable.Range(0, n)
            .Select(i => Math.Min(1 - AlphaBar((i + 1) / (double)n) / AlphaBar(i / (double)n), 0.999))
            .ToArray();
    }
}
