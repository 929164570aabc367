namespace SdWeb.Engine.Training;

/// <summary>
/// The AdamW peak learning rates of the VAE and diffusion stages (gradients are clipped to norm 1). Each anneals its rate
/// along a half cosine to <see cref="FinalShare"/> of the peak: a constant rate leaves the weights jittering around the
/// optimum by as much as the last updates move them, which a short training run cannot average out. The guidance
/// calibration, a short fine-tuning of the annealed model, runs at a constant <paramref name="Calibration"/>.
/// </summary>
internal sealed record LearningRates(double Vae = 1e-3, double Diffusion = 5e-4, double Calibration = 1e-4)
{
    public const double FinalShare = 0.02;

    /// <summary>The rate at <paramref name="stageProgress"/> (0 = the stage's first step, 1 = its end) of a stage whose peak is <paramref name="peak"/>.</summary>
    public static double Annealed(double peak, double stageProgress)
    {
        var progress = Math.Clamp(stageProgress, 0, 1);
        return peak * (FinalShare + (1 - FinalShare) * 0.5 * (1 + Math.Cos(Math.PI * progress)));
    }
}
