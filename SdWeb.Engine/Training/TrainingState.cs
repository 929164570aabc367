namespace SdWeb.Engine.Training;

/// <summary>
/// Where a demo training run stands, saved with each checkpoint so that a resumed run continues exactly: steps and
/// time spent per stage, the VAE's scaling factor once measured, the scene stream's and the noise generator's states,
/// and the loss curve (the mean loss of every <see cref="DemoTrainer.LossWindow"/> steps).
/// </summary>
internal sealed record TrainingState
{
    public long Seed { get; init; }
    public int BatchSize { get; init; }
    public int VaeSteps { get; set; }
    public int DiffusionSteps { get; set; }
    public double VaeSeconds { get; set; }
    public double DiffusionSeconds { get; set; }
    public int CalibrationSteps { get; set; }
    public double CalibrationSeconds { get; set; }
    /// <summary>
    /// Wall-clock seconds of training up to the last checkpoint, across resumes; unlike the stages' seconds, which time the
    /// model steps alone, it includes rendering and encoding the scenes and writing the checkpoints.
    /// </summary>
    public double WallSeconds { get; set; }
    public double? ScalingFactor { get; set; }
    public ulong SceneState { get; set; }
    public string NoiseGeneratorState { get; set; } = "";
    public List<LossPoint> Losses { get; init; } = [];
    /// <summary>The losses since the last point of <see cref="Losses"/>.</summary>
    public List<double> RecentLosses { get; init; } = [];
}
