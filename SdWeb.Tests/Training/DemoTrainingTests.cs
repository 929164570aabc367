using SdWeb.Engine.Training;
using SdWeb.Engine.Training.Model;
using SdWeb.Engine.Training.Scenes;
using SdWeb.Tests.Support;
using static TorchSharp.torch;

namespace SdWeb.Tests.Training;

/// <summary>In the <see cref="DemoTrainingCollection"/>, which runs alone (training sets process-wide libtorch state).</summary>
[Layer(Layer.Engine)]
[Collection("DemoTraining")]
public class DemoTrainingTests
{
    private const int Batch = 4;

    [Fact]
    public void VaeStepsOnAFixedBatchLowerItsLoss()
    {
        using var trainer = new DemoTrainer(seed: 1, Batch);
        var sampler = new SceneSampler(2);
        using var images = SceneBatch.Images(Enumerable.Range(0, Batch).Select(_ => sampler.NextTraining()));
        var losses = Enumerable.Range(0, 6).Select(_ => trainer.TrainVaeOn(images)).ToList();
        Assert.True(losses[^1] < 0.8 * losses[0], string.Join(", ", losses));
    }

    [Fact]
    public void TextEncoderAndUNetStepsOnAFixedBatchLowerTheirLoss()
    {
        using var trainer = new DemoTrainer(seed: 1, Batch);
        using var generator = new Generator(3);
        using var latents = randn([Batch, 4, 8, 8], generator: generator);
        using var noise = randn([Batch, 4, 8, 8], generator: generator);
        using var timesteps = tensor(new long[] { 10, 300, 600, 900 });
        var tokenizer = trainer.Model.Vocabulary.Tokenizer();
        using var ids = SceneBatch.TokenIds(tokenizer, ["a red circle at the left on a blue background", "", "a small green star in the centre on a white background", "a blue ring above a red square on a black background"]);
        var losses = Enumerable.Range(0, 6).Select(_ => trainer.TrainDiffusionOn(latents, ids, timesteps, noise)).ToList();
        Assert.True(losses[^1] < 0.8 * losses[0], string.Join(", ", losses));
    }

    [Fact]
    public void EveryGradientOfAStepEqualsTheOneOnATensKernels()
    {
        // ATen's own CPU kernels (im2col + GEMM) compute the same step independently of oneDNN's; before BlockAlignedConv
        // the output heads' input gradients, and so every gradient behind them, were ~30 % off on oneDNN.
        var onOneDnn = StepGradients();
        List<(string Name, Tensor Gradient)> onAten;
        using (CpuKernelChoice.AtenOnly()) onAten = StepGradients();

        // Relative L2, with a floor (1e-4) for gradients that are zero but for rounding: attention key biases, which softmax
        // ignores, and the UNet mid block's self-attention, one token at 1×1 whose softmax is 1 whatever it holds.
        var worst = onOneDnn.Zip(onAten, (a, b) =>
                (a.Name, Error: ((a.Gradient - b.Gradient).norm() / (b.Gradient.norm() + 1e-4)).item<float>(), Norm: b.Gradient.norm().item<float>()))
            .MaxBy(e => e.Error);
        Assert.True(worst.Error < 1e-3, $"{worst.Name}'s gradient (L2 norm {worst.Norm:E2}) differs by {worst.Error:E2} (relative L2)");
        Assert.Equal(onAten.Count, onOneDnn.Count);
    }

    /// <summary>The gradients of one VAE loss and one text encoder + UNet loss on a fresh model.</summary>
    private static List<(string Name, Tensor Gradient)> StepGradients()
    {
        using var trainer = new DemoTrainer(seed: 7, Batch);
        var model = trainer.Model;
        using var generator = new Generator(8);
        using (var scope = NewDisposeScope())
        {
            var sampler = new SceneSampler(9);
            var images = SceneBatch.Images(Enumerable.Range(0, Batch).Select(_ => sampler.NextTraining()));
            var latents = model.Vae.EncodeRecordingGradients(images);
            nn.functional.mse_loss(model.Vae.DecodeRecordingGradients(latents.Mean), images).backward();
            latents.Dispose();

            var noisy = randn([Batch, 4, 8, 8], generator: generator);
            var noise = randn([Batch, 4, 8, 8], generator: generator);
            var ids = SceneBatch.TokenIds(model.Vocabulary.Tokenizer(), ["a red circle at the left on a blue background", "", "a blue ring", "a small green star"]);
            var context = model.TextEncoder.ForwardRecordingGradients(ids);
            var predicted = model.UNet.ForwardRecordingGradients(noisy, tensor(new long[] { 5, 250, 500, 999 }), context);
            (predicted - noise).pow(2).mean().backward();
        }
        return [.. model.Weights.Select(w => (w.Name, w.Weight.grad!.detach().clone()))];
    }

    [Fact]
    public void TheSameSeedTrainsTheSameWeights()
    {
        Assert.Equal(Train(seed: 4, vaeSteps: 10, diffusionSteps: 10, calibrationSteps: 3), Train(seed: 4, vaeSteps: 10, diffusionSteps: 10, calibrationSteps: 3));
    }

    [Fact]
    public void AResumedRunEndsWithTheWeightsOfAnUninterruptedOne()
    {
        using var dir = new TempDir();
        var uninterrupted = Train(seed: 5, vaeSteps: 3, diffusionSteps: 3, calibrationSteps: 2);

        using (var first = new DemoTrainer(5, Batch))
        {
            first.VaeStep();
            first.VaeStep();
            first.SaveCheckpoint(dir["checkpoint"]);
        }
        using (var second = DemoTrainer.Resume(dir["checkpoint"]))
        {
            second.VaeStep();
            second.MeasureScalingFactor();
            second.DiffusionStep();
            second.SaveCheckpoint(dir["checkpoint"]);
        }
        using (var third = DemoTrainer.Resume(dir["checkpoint"]))
        {
            third.DiffusionStep();
            third.DiffusionStep();
            third.CalibrationStep();
            third.SaveCheckpoint(dir["checkpoint"]);
        }
        using var fourth = DemoTrainer.Resume(dir["checkpoint"]);
        fourth.CalibrationStep();
        Assert.Equal(uninterrupted, fourth.WeightsHash());
        Assert.Equal((3, 3, 2), (fourth.State.VaeSteps, fourth.State.DiffusionSteps, fourth.State.CalibrationSteps));
    }

    [Fact]
    public void GuidanceSevenOnTheCalibrationTargetIsGuidanceThreeOnThePlainOne()
    {
        using var scope = NewDisposeScope();
        using var model = new DemoModel(seed: 8);
        var tokenizer = model.Vocabulary.Tokenizer();
        using var generator = new Generator(8);
        var noisy = randn([Batch, 4, 8, 8], generator: generator);
        var noise = randn([Batch, 4, 8, 8], generator: generator);
        var timesteps = tensor(new long[] { 999, 500, 20, 700 });
        var ids = SceneBatch.TokenIds(tokenizer, ["a red circle at the left on a blue background", "", "a blue ring", "a small green star"]);

        var target = GuidanceCalibration.Target(model, SceneBatch.TokenIds(tokenizer, [""]), noisy, timesteps, ids, noise);

        // The model's own unconditional prediction, computed here as the pipeline computes it: the empty prompt's context.
        var unconditional = model.UNet.forward(noisy, timesteps, model.TextEncoder.forward(SceneBatch.TokenIds(tokenizer, ["", "", "", ""])));
        var guidedSeven = unconditional + (target - unconditional) * 7;
        var guidedThree = unconditional + (noise - unconditional) * 3;
        foreach (var captioned in new[] { 0, 2, 3 })
            Assert.True(guidedSeven[captioned].allclose(guidedThree[captioned], rtol: 1e-4, atol: 1e-5), $"picture {captioned}");
        Assert.True(target[1].eq(noise[1]).all().item<bool>(), "the empty caption's target is the plain noise");
    }

    [Fact]
    public void TheLearningRateAnnealsToAFiftiethOfItsPeakOverAStage()
    {
        // AdamW's first update moves each weight by the learning rate (m / sqrt(v) = ±1), plus a weight decay of
        // rate × 0.01 × w: so the largest move of a first step measures the rate it ran at, to within about 1 %.
        double LargestMove(double stageProgress)
        {
            using var scope = NewDisposeScope();
            using var trainer = new DemoTrainer(seed: 6, Batch);
            var before = trainer.Model.Vae.parameters().Select(p => p.detach().clone()).ToList();
            trainer.VaeStep(stageProgress);
            return trainer.Model.Vae.parameters().Zip(before, (after, was) => (after - was).abs().max().item<float>()).Max();
        }

        double atStart = LargestMove(0), midway = LargestMove(0.5), atEnd = LargestMove(1);
        Assert.InRange(atStart, 1e-3 * 0.99, 1e-3 * 1.02);
        Assert.InRange(midway / atStart, 0.51 * 0.98, 0.51 * 1.02);
        Assert.InRange(atEnd / atStart, 0.02 * 0.98, 0.02 * 1.02);
    }

    private static string Train(long seed, int vaeSteps, int diffusionSteps, int calibrationSteps = 0)
    {
        using var trainer = new DemoTrainer(seed, Batch);
        for (int i = 0; i < vaeSteps; i++) trainer.VaeStep();
        trainer.MeasureScalingFactor();
        for (int i = 0; i < diffusionSteps; i++) trainer.DiffusionStep();
        for (int i = 0; i < calibrationSteps; i++) trainer.CalibrationStep();
        return trainer.WeightsHash();
    }
}
