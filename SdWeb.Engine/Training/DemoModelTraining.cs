using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using SdWeb.Engine.Pipelines;
using SdWeb.Engine.Training.Evaluation;
using SdWeb.Engine.Training.Scenes;
using SdWeb.Engine.Training.Shipping;
using TorchSharp;

namespace SdWeb.Engine.Training;

/// <summary>
/// Trains SdWeb's demo model from scratch on generated scenes (`SdWeb train-demo`): the VAE, then the text encoder and
/// UNet, checkpointing every few minutes to OUT/checkpoint (resumable exactly), then writes the diffusers folder
/// OUT/model and OUT/training.json (steps, time, loss curve, scaling factor, weights hash, and the held-out semantic
/// scores when asked). Runs on <see cref="Threads"/> CPU threads, so the same seed and step counts give the same weights
/// on the same machine.
/// </summary>
public static class DemoModelTraining
{
    public const int Threads = 2;
    public const double VaeTimeShare = TrainingBudget.VaeShare;
    private static readonly TimeSpan CheckpointInterval = TimeSpan.FromMinutes(3);
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>How the demo model is meant to be run (and is judged): its native size, Euler a, 20 steps, CFG 7.</summary>
    public const int ImageSize = SceneLayout.Size, Steps = 20;
    public const double CfgScale = 7;
    public const string Sampler = "euler_a";

    /// <summary>In a packed demo model (`models pack-demo`): the diffusers folder the app installs, and the manifest.</summary>
    public const string PackedModelFolder = "model", ManifestFileName = "demo-model.json";

    /// <summary>What the demo model can draw: the words of its captions' grammar.</summary>
    public static IReadOnlyList<string> Shapes { get; } = Enum.GetValues<SceneShape>().Select(SceneCaptions.ShapeWord).ToList();

    public static IReadOnlyList<string> Colours { get; } = ScenePalette.Colours.Select(ScenePalette.Word).ToList();

    public static IReadOnlyList<string> Positions { get; } = SceneLayout.Positions.Select(p => p.ToString().ToLowerInvariant()).ToList();

    public static IReadOnlyList<string> Backgrounds { get; } = Enum.GetValues<BackgroundTexture>().Select(t => t.ToString().ToLowerInvariant()).ToList();

    /// <summary>Prompts the demo model draws well: trained one-object captions, one per shape.</summary>
    public static IReadOnlyList<string> SuggestedPrompts { get; } = SuggestedScenes.All.Select(s => s.Caption).ToList();

    /// <summary>A generation of <paramref name="prompt"/> as the demo model is meant to be run.</summary>
    public static GenerationRequest Request(string prompt, long seed) => new()
    {
        Prompts = [prompt], Sampler = Sampler, Steps = Steps, CfgScale = CfgScale, Width = ImageSize, Height = ImageSize, Seed = seed,
    };

    /// <summary>Packs a trained model for the repository (`models pack-demo`); see <see cref="DemoModelPackage"/>.</summary>
    /// <param name="trainingJson">train-demo's training.json, whose essentials go into the manifest (null: none).</param>
    public static void Pack(string modelDir, string? trainingJson, string outDir, Action<string> log, CancellationToken cancellationToken) =>
        DemoModelPackage.Pack(modelDir, trainingJson, outDir, log, cancellationToken);

    /// <summary>
    /// Generates the first <paramref name="captions"/> held-out captions of <paramref name="seed"/>'s stream with the model in
    /// <paramref name="modelDir"/> (caption i at seed + i, as the app runs the demo) and judges them from their pixels.
    /// </summary>
    /// <param name="cfgScale">The guidance scale; the acceptance's is <see cref="CfgScale"/>, others show what guidance does to the shapes.</param>
    /// <returns>The scores, as text: the three shares and a tally per shape.</returns>
    public static string Score(string modelDir, int captions, long seed, string? gridPng, double cfgScale, CancellationToken cancellationToken) =>
        HeldOutEvaluation.Score(modelDir, captions, seed, gridPng, cancellationToken, cfgScale).ToString();

    /// <summary>Trains as <paramref name="plan"/> says into <paramref name="outDir"/>.</summary>
    /// <param name="status">Told after each step: stage, step, loss and ETA (a progress line).</param>
    /// <param name="log">Told of events: stages, checkpoints, results.</param>
    public static void Run(string outDir, DemoTrainingPlan plan, Action<string> status, Action<string> log, CancellationToken cancellationToken) =>
        Run(outDir, plan, new LearningRates(), status, log, cancellationToken);

    /// <summary><see cref="Run(string, DemoTrainingPlan, Action{string}, Action{string}, CancellationToken)"/> with other learning rates.</summary>
    internal static void Run(string outDir, DemoTrainingPlan plan, LearningRates rates, Action<string> status, Action<string> log,
        CancellationToken cancellationToken)
    {
        var checkpointDir = Path.Combine(outDir, "checkpoint");
        if (plan.Resume && !Directory.Exists(checkpointDir))
            throw new IOException($"There is no checkpoint in {checkpointDir} to resume from.");
        if (!plan.Resume && Directory.Exists(outDir) && Directory.EnumerateFileSystemEntries(outDir).Any())
            throw new IOException($"{outDir} is not empty; choose a new folder, or pass --resume to continue its training.");
        torch.set_num_threads(Threads);
        using var trainer = plan.Resume ? DemoTrainer.Resume(checkpointDir, rates) : new DemoTrainer(plan.Seed, rates: rates);
        var state = trainer.State;
        log(plan.Resume
            ? $"resuming seed {state.Seed} at VAE step {state.VaeSteps}, diffusion step {state.DiffusionSteps}, calibration step {state.CalibrationSteps}"
            : $"seed {plan.Seed}");
        log($"parameters: VAE {Count(trainer.Model.Vae):N0}, text encoder {Count(trainer.Model.TextEncoder):N0}, UNet {Count(trainer.Model.UNet):N0}");
        try
        {
            Train(trainer, plan.Budget, checkpointDir, status, log, cancellationToken);
        }
        catch (NotFiniteNumberException e)
        {
            // The refused step was not applied and no checkpoint is written after it: the one on disk is the last good one.
            var saved = Directory.Exists(checkpointDir)
                ? $"{checkpointDir} keeps the last good checkpoint; --resume continues from it."
                : "No checkpoint was written yet.";
            throw new NotFiniteNumberException($"{e.Message} {saved}", e.OffendingNumber, e);
        }

        var modelDir = Path.Combine(outDir, "model");
        if (Directory.Exists(modelDir)) Directory.Delete(modelDir, recursive: true);
        var hash = trainer.WeightsHash();
        trainer.Model.WriteDiffusers(modelDir, state.ScalingFactor!.Value,
            new Dictionary<string, string> { ["format"] = "pt", ["sdweb"] = $"demo model, seed {state.Seed}, weights sha256 {hash}" });
        log(string.Create(CultureInfo.InvariantCulture,
            $"wrote {modelDir} (weights sha256 {hash}); training took {TimeSpan.FromSeconds(state.WallSeconds):h\\:mm\\:ss} of wall clock"));
        var scores = plan.EvaluateCount > 0
            ? HeldOutEvaluation.Score(modelDir, plan.EvaluateCount, state.Seed, Path.Combine(outDir, "samples-held-out.png"), cancellationToken)
            : null;
        if (scores is not null) log($"held-out captions: {scores}");
        var suggestedScores = plan.EvaluateCount > 0 ? HeldOutEvaluation.ScoreSuggested(modelDir, Path.Combine(outDir, "samples-suggested.png"), cancellationToken) : null;
        if (suggestedScores is not null) log($"suggested prompts, seeds 0-{HeldOutEvaluation.SuggestedSeeds - 1}: {suggestedScores}");
        File.WriteAllText(Path.Combine(outDir, "training.json"), JsonSerializer.Serialize(
            new
            {
                state.Seed, state.VaeSteps, state.VaeSeconds, state.DiffusionSteps, state.DiffusionSeconds, state.CalibrationSteps,
                state.CalibrationSeconds, state.WallSeconds, state.ScalingFactor,
                WeightsSha256 = hash, Threads, Scores = scores, SuggestedScores = suggestedScores, state.Losses
            },
            Indented));
    }

    /// <summary>The three stages, each until its budget is spent, with a checkpoint every few minutes and after each stage.</summary>
    private static void Train(DemoTrainer trainer, TrainingBudget budget, string checkpointDir, Action<string> status, Action<string> log,
        CancellationToken cancellationToken)
    {
        var state = trainer.State;
        var lastCheckpoint = Stopwatch.StartNew();
        void Checkpoint()
        {
            state.WallSeconds += lastCheckpoint.Elapsed.TotalSeconds;
            trainer.SaveCheckpoint(checkpointDir);
            lastCheckpoint.Restart();
        }

        while (!budget.VaeDone(state))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var loss = trainer.VaeStep(budget.Progress(vae: true, state));
            status(Line("1/3 vae", state.VaeSteps, loss, budget.Remaining(vae: true, state)));
            if (lastCheckpoint.Elapsed > CheckpointInterval) Checkpoint();
        }
        if (state.ScalingFactor is null)
        {
            trainer.MeasureScalingFactor();
            log($"VAE trained: {state.VaeSteps} steps in {state.VaeSeconds:0} s; scaling factor {state.ScalingFactor:0.#####}");
            Checkpoint();
        }
        while (!budget.DiffusionDone(state))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var loss = trainer.DiffusionStep(budget.Progress(vae: false, state));
            status(Line("2/3 text encoder + unet", state.DiffusionSteps, loss, budget.Remaining(vae: false, state)));
            if (lastCheckpoint.Elapsed > CheckpointInterval) Checkpoint();
        }
        Checkpoint();
        log($"text encoder and UNet trained: {state.DiffusionSteps} steps in {state.DiffusionSeconds:0} s");
        if (budget.CalibrationDone(state)) return; // none asked, or a resumed run that already calibrated
        while (!budget.CalibrationDone(state))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var loss = trainer.CalibrationStep();
            status(Line("3/3 guidance calibration", state.CalibrationSteps, loss, budget.CalibrationRemaining(state)));
            if (lastCheckpoint.Elapsed > CheckpointInterval) Checkpoint();
        }
        Checkpoint();
        log($"guidance calibrated: {state.CalibrationSteps} steps in {state.CalibrationSeconds:0} s");
    }

    private static long Count(torch.nn.Module module) => module.parameters().Sum(p => p.numel());

    private static string Line(string stage, int step, double loss, TimeSpan remaining) => string.Create(CultureInfo.InvariantCulture,
        $"stage {stage}  step {step}  loss {loss:0.00000}  ETA {remaining:hh\\:mm\\:ss}");
}
