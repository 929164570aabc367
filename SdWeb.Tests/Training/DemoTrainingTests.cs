using SdWeb.Engine.Devices;
using SdWeb.Engine.Training;
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
    public void ARepeatOnATenKernelsComputesTheStepTheFirstAttemptWould()
    {
        // A refused step is run again without oneDNN (DemoTrainer.Repeated): the same step on other kernels, so the same
        // loss to float32 rounding.
        double Loss(bool atenOnly)
        {
            using var trainer = new DemoTrainer(seed: 7, Batch);
            using var generator = new Generator(8);
            using var latents = randn([Batch, 4, 8, 8], generator: generator);
            using var noise = randn([Batch, 4, 8, 8], generator: generator);
            using var timesteps = tensor(new long[] { 5, 250, 500, 999 });
            using var ids = SceneBatch.TokenIds(trainer.Model.Vocabulary.Tokenizer(), ["a red circle at the left on a blue background", "", "a blue ring", "a small green star"]);
            trainer.TrainDiffusionOn(latents, ids, timesteps, noise);
            using var kernels = atenOnly ? CpuKernelChoice.AtenOnly() : null;
            return trainer.TrainDiffusionOn(latents, ids, timesteps, noise);
        }

        Assert.Equal(Loss(atenOnly: false), Loss(atenOnly: true), 1e-5);
    }

    [Fact]
    public void TheSameSeedTrainsTheSameWeights()
    {
        Assert.Equal(Train(seed: 4, vaeSteps: 10, diffusionSteps: 10), Train(seed: 4, vaeSteps: 10, diffusionSteps: 10));
    }

    [Fact]
    public void AResumedRunEndsWithTheWeightsOfAnUninterruptedOne()
    {
        using var dir = new TempDir();
        var uninterrupted = Train(seed: 5, vaeSteps: 3, diffusionSteps: 3);

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
        using var third = DemoTrainer.Resume(dir["checkpoint"]);
        third.DiffusionStep();
        third.DiffusionStep();
        Assert.Equal(uninterrupted, third.WeightsHash());
        Assert.Equal((3, 3), (third.State.VaeSteps, third.State.DiffusionSteps));
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

    private static string Train(long seed, int vaeSteps, int diffusionSteps)
    {
        using var trainer = new DemoTrainer(seed, Batch);
        for (int i = 0; i < vaeSteps; i++) trainer.VaeStep();
        trainer.MeasureScalingFactor();
        for (int i = 0; i < diffusionSteps; i++) trainer.DiffusionStep();
        return trainer.WeightsHash();
    }
}
