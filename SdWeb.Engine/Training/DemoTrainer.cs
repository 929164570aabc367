using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using SdWeb.Engine.Devices;
using SdWeb.Engine.Loading;
using SdWeb.Engine.Schedulers;
using SdWeb.Engine.Tokenization;
using SdWeb.Engine.Training.Model;
using SdWeb.Engine.Training.Scenes;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SdWeb.Engine.Training;

/// <summary>
/// One training step at a time for the demo model. Stage 1 trains the VAE (reconstruction MSE + a small KL term);
/// then the scaling factor is measured (1 / std of the latents); stage 2 trains the text encoder and the UNet together
/// to predict the noise added at a random timestep of SD v1's scaled-linear schedule, with 10 % empty captions so that
/// classifier-free guidance has an unconditional prediction; stage 3 calibrates the conditioning for the guidance scale
/// the demo is run at (<see cref="GuidanceCalibration"/>). All randomness comes from the seed: scenes from a
/// <see cref="ScenePrng"/>, noise and timesteps from one torch generator; both are in the checkpoints.
/// </summary>
internal sealed class DemoTrainer : IDisposable
{
    public const int DefaultBatchSize = 16;
    public const int LossWindow = 25;
    private const double WeightDecay = 0.01, MaxGradNorm = 1.0;
    private const double KlWeight = 1e-4, EmptyCaptionShare = 0.1, MinSnrGamma = 5;
    private const int ScalingSampleBatches = 8;

    private readonly DemoModel _model;
    private readonly SceneSampler _scenes;
    private readonly Generator _noise;
    private readonly ClipTokenizer _tokenizer;
    private readonly NoiseSchedule _schedule = new(ModelSchedulerConfig.StandardV1.Config);
    private readonly OptimizerHelper _vaeOptimizer;
    private readonly OptimizerHelper _diffusionOptimizer;
    private readonly LearningRates _rates;
    private readonly Tensor _emptyTokenIds;

    public DemoTrainer(long seed, int batchSize = DefaultBatchSize, LearningRates? rates = null)
    {
        _rates = rates ?? new LearningRates();
        _model = new DemoModel(seed);
        _scenes = new SceneSampler((ulong)seed);
        _noise = new Generator((ulong)seed + 1);
        _tokenizer = _model.Vocabulary.Tokenizer();
        _emptyTokenIds = SceneBatch.TokenIds(_tokenizer, [""]).DetachFromDisposeScope();
        _vaeOptimizer = optim.AdamW(_model.Vae.parameters(), _rates.Vae, weight_decay: WeightDecay);
        _diffusionOptimizer = optim.AdamW(_model.TextEncoder.parameters().Concat(_model.UNet.parameters()), _rates.Diffusion,
            weight_decay: WeightDecay);
        State = new TrainingState { Seed = seed, BatchSize = batchSize };
    }

    public TrainingState State { get; private set; }

    public DemoModel Model => _model;

    /// <summary>One VAE step on fresh scenes.</summary>
    /// <param name="stageProgress">How far the stage is (0…1), which sets the annealed learning rate.</param>
    /// <returns>The step's loss.</returns>
    public double VaeStep(double stageProgress = 0)
    {
        SetLearningRate(_vaeOptimizer, LearningRates.Annealed(_rates.Vae, stageProgress));
        using var pause = CollectionPause.Start();
        using var images = SceneBatch.Images(NextScenes());
        return TrainVaeOn(images);
    }

    /// <summary>One VAE step on the given pictures [B, 3, 64, 64] in [-1, 1].</summary>
    public double TrainVaeOn(Tensor images)
    {
        var started = Stopwatch.GetTimestamp();
        using var scope = NewDisposeScope();
        using var latents = _model.Vae.EncodeRecordingGradients(images);
        var reconstruction = _model.Vae.DecodeRecordingGradients(latents.Sample(_noise));
        // KL(q || N(0, 1)) per latent element; small, so that the latents stay near unit scale without blurring.
        var kl = (latents.Mean.pow(2) + latents.Std.pow(2) - 1 - latents.LogVar).mean() * 0.5;
        var loss = nn.functional.mse_loss(reconstruction, images) + kl * KlWeight;
        Optimise("VAE", State.VaeSteps + 1, _vaeOptimizer, _model.Vae.parameters(), loss);
        State.VaeSeconds += Stopwatch.GetElapsedTime(started).TotalSeconds;
        return Record("vae", loss, ++State.VaeSteps);
    }

    /// <summary>Sets the VAE's scaling factor from the std of latents sampled from fresh training scenes.</summary>
    public void MeasureScalingFactor()
    {
        using var pause = CollectionPause.Start();
        using var scope = NewDisposeScope();
        var latents = Enumerable.Range(0, ScalingSampleBatches).Select(_ =>
        {
            using var distribution = _model.Vae.Encode(SceneBatch.Images(NextScenes()));
            return distribution.Sample(_noise);
        }).ToList();
        State.ScalingFactor = 1.0 / cat(latents, 0).std().item<float>();
    }

    /// <summary>One text encoder + UNet step on fresh scenes, noise and timesteps.</summary>
    /// <param name="stageProgress">How far the stage is (0…1), which sets the annealed learning rate.</param>
    /// <returns>The step's loss.</returns>
    public double DiffusionStep(double stageProgress = 0)
    {
        SetLearningRate(_diffusionOptimizer, LearningRates.Annealed(_rates.Diffusion, stageProgress));
        using var pause = CollectionPause.Start();
        using var scope = NewDisposeScope();
        var (latents, tokenIds, timesteps, noise) = NextDiffusionBatch();
        return TrainDiffusionOn(latents, tokenIds, timesteps, noise);
    }

    /// <summary>
    /// One guidance-calibration step (stage 3) on fresh scenes, noise and timesteps: as <see cref="DiffusionStep"/>, but
    /// a captioned picture's target is <see cref="GuidanceCalibration.Target"/>, at the constant rate
    /// <see cref="LearningRates.Calibration"/>.
    /// </summary>
    public double CalibrationStep()
    {
        SetLearningRate(_diffusionOptimizer, _rates.Calibration);
        using var pause = CollectionPause.Start();
        using var scope = NewDisposeScope();
        var (latents, tokenIds, timesteps, noise) = NextDiffusionBatch();
        return TrainDiffusionOn(latents, tokenIds, timesteps, noise, calibrate: true);
    }

    /// <summary>One text encoder + UNet step: predict <paramref name="noise"/> added to scaled latents at the timesteps.</summary>
    /// <param name="calibrate">Regress the captioned pictures on <see cref="GuidanceCalibration.Target"/> instead (stage 3).</param>
    public double TrainDiffusionOn(Tensor latents, Tensor tokenIds, Tensor timesteps, Tensor noise, bool calibrate = false)
    {
        var started = Stopwatch.GetTimestamp();
        using var scope = NewDisposeScope();
        var alphaBar = _schedule.AlphasCumprod.index_select(0, timesteps).view(-1, 1, 1, 1);
        var noisy = alphaBar.sqrt() * latents + (1 - alphaBar).sqrt() * noise;
        var target = calibrate ? GuidanceCalibration.Target(_model, _emptyTokenIds, noisy, timesteps, tokenIds, noise) : noise;
        var context = _model.TextEncoder.ForwardRecordingGradients(tokenIds);
        var predicted = _model.UNet.ForwardRecordingGradients(noisy, timesteps, context);
        var squaredError = (predicted - target).pow(2).mean([1, 2, 3]);
        // Min-SNR-γ weighting (Hang et al., 2023): the nearly clean timesteps, whose noise is the hardest to tell from
        // detail, weigh γ/SNR; the noisy ones that decide layout, colour and shape keep weight 1. It converges faster.
        var snr = alphaBar.view(-1) / (1 - alphaBar.view(-1));
        var loss = (squaredError * snr.clamp_max(MinSnrGamma) / snr).mean();
        Optimise(calibrate ? "guidance calibration" : "text encoder + UNet", (calibrate ? State.CalibrationSteps : State.DiffusionSteps) + 1,
            _diffusionOptimizer, _model.TextEncoder.parameters().Concat(_model.UNet.parameters()), loss);
        if (calibrate)
        {
            State.CalibrationSeconds += Stopwatch.GetElapsedTime(started).TotalSeconds;
            return Record("calibration", squaredError.mean(), ++State.CalibrationSteps);
        }
        State.DiffusionSeconds += Stopwatch.GetElapsedTime(started).TotalSeconds;
        // The curve keeps the plain ε-prediction MSE (calibration: against its target), comparable across weightings.
        return Record("diffusion", squaredError.mean(), ++State.DiffusionSteps);
    }

    /// <summary>SHA-256 of every weight's float32 bytes, in a fixed order: equal hashes, equal models.</summary>
    public string WeightsHash()
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (_, weight) in _model.Weights)
        {
            using var values = weight.detach().contiguous();
            sha.AppendData(MemoryMarshal.AsBytes(values.data<float>().ToArray().AsSpan()));
        }
        return Convert.ToHexString(sha.GetHashAndReset()).ToLowerInvariant();
    }

    /// <summary>Writes weights, optimizer states and <see cref="State"/> (with both random streams) to a new folder, then swaps it in.</summary>
    public void SaveCheckpoint(string dir)
    {
        var writing = dir + ".writing";
        if (Directory.Exists(writing)) Directory.Delete(writing, recursive: true);
        Directory.CreateDirectory(writing);
        _model.Vae.save(Path.Combine(writing, "vae.bin"));
        _model.TextEncoder.save(Path.Combine(writing, "text_encoder.bin"));
        _model.UNet.save(Path.Combine(writing, "unet.bin"));
        _vaeOptimizer.save_state_dict(Path.Combine(writing, "vae-optimizer.bin"));
        _diffusionOptimizer.save_state_dict(Path.Combine(writing, "diffusion-optimizer.bin"));
        State.SceneState = _scenes.Random.State;
        using (var generatorState = _noise.get_state())
            State.NoiseGeneratorState = Convert.ToBase64String(generatorState.data<byte>().ToArray());
        File.WriteAllText(Path.Combine(writing, "state.json"), JsonSerializer.Serialize(State));
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        Directory.Move(writing, dir);
    }

    public static DemoTrainer Resume(string dir, LearningRates? rates = null)
    {
        var state = JsonSerializer.Deserialize<TrainingState>(File.ReadAllText(Path.Combine(dir, "state.json")))
            ?? throw new IOException($"{dir}/state.json is empty.");
        var trainer = new DemoTrainer(state.Seed, state.BatchSize, rates) { State = state };
        trainer._model.Vae.load(Path.Combine(dir, "vae.bin"));
        trainer._model.TextEncoder.load(Path.Combine(dir, "text_encoder.bin"));
        trainer._model.UNet.load(Path.Combine(dir, "unet.bin"));
        trainer._vaeOptimizer.load_state_dict(Path.Combine(dir, "vae-optimizer.bin"));
        trainer._diffusionOptimizer.load_state_dict(Path.Combine(dir, "diffusion-optimizer.bin"));
        trainer._scenes.Random.State = state.SceneState;
        using (var generatorState = tensor(Convert.FromBase64String(state.NoiseGeneratorState)))
            trainer._noise.set_state(generatorState);
        return trainer;
    }

    public void Dispose()
    {
        _model.Dispose();
        _noise.Dispose();
        _schedule.Dispose();
        _emptyTokenIds.Dispose();
    }

    private static void SetLearningRate(OptimizerHelper optimizer, double rate)
    {
        foreach (var group in optimizer.ParamGroups) group.LearningRate = rate;
    }

    /// <summary>Fresh scenes (10 % of their captions empty) as scaled latents, their token ids, timesteps and noise.</summary>
    private (Tensor Latents, Tensor TokenIds, Tensor Timesteps, Tensor Noise) NextDiffusionBatch()
    {
        var scale = State.ScalingFactor ?? throw new InvalidOperationException("Measure the VAE's scaling factor before stage 2.");
        var scenes = NextScenes();
        var captions = scenes.Select(s => _scenes.Random.NextDouble() < EmptyCaptionShare ? "" : s.Caption).ToList();
        Tensor latents;
        using (var distribution = _model.Vae.Encode(SceneBatch.Images(scenes)))
            latents = distribution.Sample(_noise) * scale;
        var timesteps = randint(0, _schedule.AlphasCumprodValues.Length, [scenes.Count], ScalarType.Int64, generator: _noise);
        var noise = randn(latents.shape, generator: _noise);
        return (latents, SceneBatch.TokenIds(_tokenizer, captions), timesteps, noise);
    }

    private List<Scene> NextScenes() => [.. Enumerable.Range(0, State.BatchSize).Select(_ => _scenes.NextTraining())];

    /// <summary>
    /// Applies one step, unless its loss or gradient norm is not finite: one NaN update would make every weight NaN, so the
    /// step is refused, the weights stay as they were, and training stops (the last checkpoint is the last good state).
    /// </summary>
    private static void Optimise(string stage, int step, OptimizerHelper optimizer, IEnumerable<Parameter> parameters, Tensor loss)
    {
        optimizer.zero_grad();
        double lossValue = loss.item<float>();
        if (!double.IsFinite(lossValue)) throw Diverged(stage, step, "loss", lossValue);
        loss.backward();
        var gradientNorm = nn.utils.clip_grad_norm_(parameters, MaxGradNorm);
        if (!double.IsFinite(gradientNorm))
            throw Diverged(stage, step, string.Create(CultureInfo.InvariantCulture, $"gradient norm (loss {lossValue:G6})"), gradientNorm);
        optimizer.step();
    }

    private static NotFiniteNumberException Diverged(string stage, int step, string what, double value) =>
        new(string.Create(CultureInfo.InvariantCulture,
            $"Training diverged: the {stage} stage's {what} was {value} at step {step}; that step was not applied."), value);

    /// <summary>Keeps the loss curve: one point per <see cref="LossWindow"/> steps.</summary>
    private double Record(string stage, Tensor loss, int step)
    {
        double value = loss.item<float>();
        State.RecentLosses.Add(value);
        if (step % LossWindow == 0)
        {
            var seconds = stage switch { "vae" => State.VaeSeconds, "calibration" => State.CalibrationSeconds, _ => State.DiffusionSeconds };
            State.Losses.Add(new LossPoint(stage, step, State.RecentLosses.Average(), seconds));
            State.RecentLosses.Clear();
        }
        return value;
    }
}
