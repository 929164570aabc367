namespace SdWeb.Engine.Training;

/// <summary>
/// What one `train-demo` run does. The defaults are the shipped demo model's recipe, in step counts so that the same
/// seed gives the same weights on the same machine; a stage without a step count trains for its share of <see cref="Time"/>
/// instead (not reproducible: the steps done depend on the machine's speed).
/// </summary>
public sealed record DemoTrainingPlan
{
    public const int RecipeVaeSteps = 3000, RecipeDiffusionSteps = 10000, RecipeCalibrationSteps = 1000, RecipeEvaluateCount = 40;

    public long Seed { get; init; }

    public int? VaeSteps { get; init; } = RecipeVaeSteps;

    /// <summary>Text encoder + UNet steps (stage 2).</summary>
    public int? DiffusionSteps { get; init; } = RecipeDiffusionSteps;

    /// <summary>Guidance-calibration steps after stage 2 (<see cref="GuidanceCalibration"/>; 0: none).</summary>
    public int CalibrationSteps { get; init; } = RecipeCalibrationSteps;

    /// <summary>The time split between the stages without a step count (<see cref="TrainingBudget.VaeShare"/> for the VAE).</summary>
    public TimeSpan Time { get; init; } = TimeSpan.FromMinutes(90);

    /// <summary>Continue from OUT/checkpoint instead of starting in an empty folder.</summary>
    public bool Resume { get; init; }

    /// <summary>Held-out captions to generate and judge at the end (0: none).</summary>
    public int EvaluateCount { get; init; } = RecipeEvaluateCount;

    internal TrainingBudget Budget => new(Time, VaeSteps, DiffusionSteps, CalibrationSteps);
}
