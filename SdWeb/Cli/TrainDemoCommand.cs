using SdWeb.Engine.Training;

namespace SdWeb.Cli;

/// <summary>
/// `train-demo --out DIR [--seed S] [--resume] …`: trains SdWeb's demo model on generated scenes (the VAE, then the text
/// encoder and UNet, then their guidance calibration), with a progress line and resumable checkpoints; writes OUT/model
/// (diffusers). Without step or time options it follows the shipped model's recipe, so the same seed gives the same weights.
/// </summary>
public sealed class TrainDemoCommand(TextWriter output, TextWriter error) : ICliCommand
{
    public CliSyntax Syntax { get; } = new("train-demo", "Train the small demo model on generated scenes (CPU, 2 threads).")
    {
        Options =
        [
            new("out", "DIR", "folder for the checkpoints, OUT/model (diffusers) and OUT/training.json") { Required = true },
            new("seed", "S", "seed of the weights, scenes and noise (default 0)"),
            new("vae-steps", "N", $"train the VAE for N steps (default {DemoTrainingPlan.RecipeVaeSteps})"),
            new("unet-steps", "N", $"train text encoder + UNet for N steps (default {DemoTrainingPlan.RecipeDiffusionSteps})"),
            new("calibration-steps", "N", $"then calibrate the conditioning for guidance {DemoModelTraining.CfgScale} for N steps (default {DemoTrainingPlan.RecipeCalibrationSteps}; 0: none)"),
            new("minutes", "N", $"instead of step counts, a time budget for the stages not given one: {DemoModelTraining.VaeTimeShare:P0} VAE, the rest text encoder + UNet (not reproducible)"),
            new("evaluate", "N", $"at the end, generate N held-out captions and print their semantic scores (default {DemoTrainingPlan.RecipeEvaluateCount}; 0: none)"),
            new("resume", null, "continue from OUT/checkpoint"),
        ],
    };

    public Task<int> RunAsync(CliArgs args, CancellationToken cancellationToken)
    {
        var outDir = args.Require("out");
        var plan = Plan(args);
        return Task.Run(() =>
        {
            DemoModelTraining.Run(outDir, plan,
                status: line =>
                {
                    error.Write($"\r{line}   ");
                    error.Flush();
                },
                log: line => output.WriteLine($"\n{line}"), cancellationToken);
            return CliApp.Ok;
        }, cancellationToken);
    }

    private static DemoTrainingPlan Plan(CliArgs args)
    {
        var plan = new DemoTrainingPlan();
        long seed = args.GetLong("seed") ?? plan.Seed;
        if (seed < 0) throw new CliUsageException($"--seed must not be negative, not {seed}.");
        int? vaeSteps = Positive(args, "vae-steps"), unetSteps = Positive(args, "unet-steps");
        int calibrationSteps = args.GetInt("calibration-steps") ?? plan.CalibrationSteps;
        if (calibrationSteps < 0) throw new CliUsageException($"--calibration-steps must not be negative, not {calibrationSteps}.");
        int evaluate = args.GetInt("evaluate") ?? plan.EvaluateCount;
        if (evaluate < 0) throw new CliUsageException($"--evaluate must not be negative, not {evaluate}.");
        plan = plan with { Seed = seed, CalibrationSteps = calibrationSteps, EvaluateCount = evaluate, Resume = args.Flag("resume") };
        if (args.GetDouble("minutes") is not double minutes)
            return plan with { VaeSteps = vaeSteps ?? plan.VaeSteps, DiffusionSteps = unetSteps ?? plan.DiffusionSteps };
        if (minutes <= 0) throw new CliUsageException($"--minutes must be positive, not {minutes}.");
        return plan with { Time = TimeSpan.FromMinutes(minutes), VaeSteps = vaeSteps, DiffusionSteps = unetSteps };
    }

    private static int? Positive(CliArgs args, string name)
    {
        var value = args.GetInt(name);
        return value is <= 0 ? throw new CliUsageException($"--{name} must be positive, not {value}.") : value;
    }
}
