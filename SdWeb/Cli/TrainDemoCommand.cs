using SdWeb.Engine.Training;

namespace SdWeb.Cli;

/// <summary>
/// `train-demo --out DIR [--minutes N] [--seed S] [--resume]`: trains SdWeb's demo model on generated scenes (the VAE,
/// then the text encoder and UNet, then their guidance calibration), with a progress line and resumable checkpoints; writes OUT/model (diffusers).
/// </summary>
public sealed class TrainDemoCommand(TextWriter output, TextWriter error) : ICliCommand
{
    private const double DefaultMinutes = 90;

    public CliSyntax Syntax { get; } = new("train-demo", "Train the small demo model on generated scenes (CPU, 2 threads).")
    {
        Options =
        [
            new("out", "DIR", "folder for the checkpoints, OUT/model (diffusers) and OUT/training.json") { Required = true },
            new("minutes", "N", $"time budget, {DemoModelTraining.VaeTimeShare:P0} for the VAE, the rest for text encoder + UNet (default {DefaultMinutes})"),
            new("seed", "S", "seed of the weights, scenes and noise (default 0)"),
            new("vae-steps", "N", "train the VAE for exactly N steps instead of its share of the time (reproducible)"),
            new("unet-steps", "N", "train text encoder + UNet for exactly N steps instead of their share of the time (reproducible)"),
            new("calibration-steps", "N", $"then calibrate the conditioning for guidance {DemoModelTraining.CfgScale} for N steps (default {DemoModelTraining.DefaultCalibrationSteps}; 0: none)"),
            new("evaluate", "N", "at the end, generate N held-out captions and print their semantic scores (default 0)"),
            new("resume", null, "continue from OUT/checkpoint"),
        ],
    };

    public Task<int> RunAsync(CliArgs args, CancellationToken cancellationToken)
    {
        var outDir = args.Require("out");
        double minutes = args.GetDouble("minutes") ?? DefaultMinutes;
        if (minutes <= 0) throw new CliUsageException($"--minutes must be positive, not {minutes}.");
        long seed = args.GetLong("seed") ?? 0;
        if (seed < 0) throw new CliUsageException($"--seed must not be negative, not {seed}.");
        int? vaeSteps = Positive(args, "vae-steps"), unetSteps = Positive(args, "unet-steps");
        int calibrationSteps = args.GetInt("calibration-steps") ?? DemoModelTraining.DefaultCalibrationSteps;
        if (calibrationSteps < 0) throw new CliUsageException($"--calibration-steps must not be negative, not {calibrationSteps}.");
        int evaluate = args.GetInt("evaluate") ?? 0;
        if (evaluate < 0) throw new CliUsageException($"--evaluate must not be negative, not {evaluate}.");

        return Task.Run(() =>
        {
            DemoModelTraining.Run(outDir, seed, TimeSpan.FromMinutes(minutes), vaeSteps, unetSteps, calibrationSteps, args.Flag("resume"), evaluate,
                status: line =>
                {
                    error.Write($"\r{line}   ");
                    error.Flush();
                },
                log: line => output.WriteLine($"\n{line}"), cancellationToken);
            return CliApp.Ok;
        }, cancellationToken);
    }

    private static int? Positive(CliArgs args, string name)
    {
        var value = args.GetInt(name);
        return value is <= 0 ? throw new CliUsageException($"--{name} must be positive, not {value}.") : value;
    }
}
