namespace SdWeb.Engine.Schedulers;

/// <summary>
/// The fields of diffusers' scheduler_config.json that the samplers read. Unknown fields are ignored, missing ones
/// take each scheduler class's diffusers default (so a config made for one class configures another the way
/// <c>X.from_config(config)</c> does).
/// </summary>
public sealed record SchedulerConfig
{
    public int NumTrainTimesteps { get; init; } = 1000;
    public double BetaStart { get; init; } = 0.0001;
    public double BetaEnd { get; init; } = 0.02;
    public string BetaSchedule { get; init; } = "linear";
    public double[]? TrainedBetas { get; init; }
    public string PredictionType { get; init; } = "epsilon";
    public string? TimestepSpacing { get; init; }
    public int? StepsOffset { get; init; }
    public bool? SetAlphaToOne { get; init; }
    public bool? SkipPrkSteps { get; init; }
    public bool? ClipSample { get; init; }
    public bool UseKarrasSigmas { get; init; }
}
