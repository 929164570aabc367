namespace SdWeb.Engine.Training;

/// <summary>
/// When each stage stops: after a number of steps (reproducible: same seed, same weights) or, without one, after its
/// share of a time budget (the VAE <see cref="VaeShare"/>, the text encoder and UNet the rest). The guidance
/// calibration always runs <see cref="CalibrationSteps"/> steps, after the time budget.
/// </summary>
internal sealed record TrainingBudget(TimeSpan Time, int? VaeSteps = null, int? DiffusionSteps = null, int CalibrationSteps = 0)
{
    public const double VaeShare = 0.3;

    public bool VaeDone(TrainingState s) => VaeSteps is int n ? s.VaeSteps >= n : s.VaeSeconds >= Time.TotalSeconds * VaeShare;

    public bool DiffusionDone(TrainingState s) =>
        DiffusionSteps is int n ? s.DiffusionSteps >= n : s.DiffusionSeconds >= Time.TotalSeconds * (1 - VaeShare);

    public bool CalibrationDone(TrainingState s) => s.CalibrationSteps >= CalibrationSteps;

    public TimeSpan CalibrationRemaining(TrainingState s) => TimeSpan.FromSeconds(
        s.CalibrationSteps == 0 ? 0 : Math.Max(0, CalibrationSteps - s.CalibrationSteps) * s.CalibrationSeconds / s.CalibrationSteps);

    /// <summary>How far the stage is, 0…1: its steps over its step count, else its seconds over its share of the time.</summary>
    public double Progress(bool vae, TrainingState s)
    {
        var (steps, seconds, limit) = vae ? (s.VaeSteps, s.VaeSeconds, VaeSteps) : (s.DiffusionSteps, s.DiffusionSeconds, DiffusionSteps);
        double progress = limit is int n ? (double)steps / n : seconds / (Time.TotalSeconds * (vae ? VaeShare : 1 - VaeShare));
        return Math.Clamp(progress, 0, 1);
    }

    /// <summary>The stage's expected remaining time, from its pace so far.</summary>
    public TimeSpan Remaining(bool vae, TrainingState s)
    {
        var (steps, seconds, limit) = vae ? (s.VaeSteps, s.VaeSeconds, VaeSteps) : (s.DiffusionSteps, s.DiffusionSeconds, DiffusionSteps);
        double left = limit is int n
            ? (n - steps) * (steps == 0 ? 0 : seconds / steps)
            : Time.TotalSeconds * (vae ? VaeShare : 1 - VaeShare) - seconds;
        return TimeSpan.FromSeconds(Math.Max(0, left));
    }
}
