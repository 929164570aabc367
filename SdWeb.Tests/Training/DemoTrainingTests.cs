using SdWeb.Engine.Training;
using SdWeb.Engine.Training.Scenes;
using SdWeb.Tests.Support;
using static TorchSharp.torch;

namespace SdWeb.Tests.Training;

/// <summary>In one collection with the other demo-training tests: training sets libtorch's thread count, which is process-wide.</summary>
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

    private static string Train(long seed, int vaeSteps, int diffusionSteps)
    {
        using var trainer = new DemoTrainer(seed, Batch);
        for (int i = 0; i < vaeSteps; i++) trainer.VaeStep();
        trainer.MeasureScalingFactor();
        for (int i = 0; i < diffusionSteps; i++) trainer.DiffusionStep();
        return trainer.WeightsHash();
    }
}
