using SdWeb.Engine.Training;

namespace SdWeb.Cli;

/// <summary>
/// `models score-demo --model DIR [--captions N] [--seed S] [--grid FILE]`: generates held-out captions with a trained
/// demo model as the app runs it and prints issue 16's semantic scores, judged from the pixels, with a tally per shape.
/// </summary>
internal static class ModelsScoreDemo
{
    // The shipped model's figures are scored on the recipe's held-out set, so score-demo defaults to the same count.
    private const int DefaultCaptions = DemoTrainingPlan.RecipeEvaluateCount;

    public static CliSyntax Syntax { get; } =
        new("models score-demo", "Score a demo model on held-out captions: background, object colour at position, shape.")
        {
            Options =
            [
                new("model", "DIR", "a demo model's diffusers folder (train-demo's OUT/model, or an installed one)") { Required = true },
                new("captions", "N", $"how many held-out captions to generate (default {DefaultCaptions}; train-demo --evaluate scores the first N of the same seed)"),
                new("seed", "S", "the held-out captions' stream and the first seed (default 0)"),
                new("cfg-scale", "X", $"guidance scale (default {DemoModelTraining.CfgScale}, the demo's and the acceptance's)"),
                new("grid", "FILE", "write the pictures as one PNG grid"),
            ],
        };

    public static Task<int> RunAsync(CliArgs args, TextWriter output, CancellationToken ct)
    {
        var model = args.Require("model");
        if (!Directory.Exists(model)) throw new CliUsageException($"--model {model}: no such model folder.");
        int captions = args.GetInt("captions") ?? DefaultCaptions;
        if (captions <= 0) throw new CliUsageException($"--captions must be positive, not {captions}.");
        long seed = args.GetLong("seed") ?? 0;
        if (seed < 0) throw new CliUsageException($"--seed must not be negative, not {seed}.");
        double cfgScale = args.GetDouble("cfg-scale") ?? DemoModelTraining.CfgScale;
        if (cfgScale < 1) throw new CliUsageException($"--cfg-scale must be at least 1, not {cfgScale}.");
        return Task.Run(() =>
        {
            output.WriteLine($"held-out captions: {DemoModelTraining.Score(model, captions, seed, args.Get("grid"), cfgScale, ct)}");
            return CliApp.Ok;
        }, ct);
    }
}
