using System.Text.Json;
using SdWeb.Engine.Devices;
using SdWeb.Engine.Loading;
using SdWeb.Engine.Pipelines;
using SdWeb.Engine.Training;
using SdWeb.Tests.Support;

namespace SdWeb.Tests.Training;

/// <summary>In the <see cref="DemoTrainingCollection"/>, which runs alone (training sets process-wide libtorch state).</summary>
[Layer(Layer.Engine)]
[Collection("DemoTraining")]
public class DemoModelTrainingTests
{
    [Fact]
    public void WritesADiffusersFolderThePipelineGeneratesFrom()
    {
        using var dir = new TempDir();
        var events = new List<string>();
        DemoModelTraining.Run(dir["run"], new DemoTrainingPlan { Seed = 2, VaeSteps = 2, DiffusionSteps = 2, CalibrationSteps = 2, EvaluateCount = 1 },
            status: _ => { }, log: events.Add, CancellationToken.None);

        using var source = ModelSource.Open(dir["run/model"], ModelPlacement.CpuFloat32);
        WeightFit.Check(source);
        using var training = JsonDocument.Parse(File.ReadAllText(dir["run/training.json"]));
        var scaling = training.RootElement.GetProperty("ScalingFactor").GetDouble();
        Assert.Equal(scaling, source.Vae.Config.ScalingFactor, 6);
        // The wall clock holds the model steps and everything around them (scenes, checkpoints).
        var stepSeconds = new[] { "VaeSeconds", "DiffusionSeconds", "CalibrationSeconds" }.Sum(p => training.RootElement.GetProperty(p).GetDouble());
        Assert.InRange(training.RootElement.GetProperty("WallSeconds").GetDouble(), stepSeconds, stepSeconds + 600);
        Assert.Contains(events, e => e.StartsWith("held-out captions: ", StringComparison.Ordinal));
        Assert.Contains(events, e => e.StartsWith("suggested prompts, seeds 0-7: ", StringComparison.Ordinal));
        // The sample grids: one held-out picture; 4 suggested prompts × 8 seeds, a prompt to a row (64 px, 2 px apart).
        Assert.Equal((68, 68), Size(dir["run/samples-held-out.png"]));
        Assert.Equal((8 * 66 + 2, 4 * 66 + 2), Size(dir["run/samples-suggested.png"]));

        using var pipeline = new PipelineFactory(new EngineOptions { Device = "cpu", DType = "fp32" }).Load(dir["run/model"]);
        using var result = pipeline.Generate(new GenerationRequest { Prompts = ["a red circle at the left on a blue background"], Width = 64, Height = 64, Steps = 2, Seed = 1 },
            null, CancellationToken.None);
        Assert.Equal(64, result.Images[0].Image.Width);
    }

    [Fact]
    public void ADivergingStepStopsTrainingWithTheLastGoodCheckpointOnDisk()
    {
        using var dir = new TempDir();
        // An absurd learning rate: AdamW's decay factor 1 - lr·0.01 multiplies every weight by -1e10 per step, so within a
        // few steps the activations overflow float32 and the loss is NaN.
        var absurd = new LearningRates(Diffusion: 1e12);
        var error = Assert.Throws<NotFiniteNumberException>(() => DemoModelTraining.Run(dir["run"],
            new DemoTrainingPlan { Seed = 3, VaeSteps = 1, DiffusionSteps = 20, CalibrationSteps = 0, EvaluateCount = 0 }, absurd, _ => { }, _ => { }, CancellationToken.None));

        Assert.Matches(@"^Training diverged: the text encoder \+ UNet stage's .+ was (NaN|-?Infinity) at step \d+; that step was not applied\. .+ keeps the last good checkpoint", error.Message);
        Assert.False(File.Exists(dir["run/training.json"]));
        using var state = JsonDocument.Parse(File.ReadAllText(dir["run/checkpoint/state.json"]));
        Assert.Equal(0, state.RootElement.GetProperty("DiffusionSteps").GetInt32());
        using var resumed = DemoTrainer.Resume(dir["run/checkpoint"]);
        using var reference = new DemoTrainer(seed: 3);
        reference.VaeStep();
        reference.MeasureScalingFactor();
        Assert.Equal(reference.WeightsHash(), resumed.WeightsHash());
    }

    [Fact]
    public void ResumingNeedsACheckpointAndANewRunNeedsAnEmptyFolder()
    {
        using var dir = new TempDir();
        var tiny = new DemoTrainingPlan { VaeSteps = 1, DiffusionSteps = 1, CalibrationSteps = 0, EvaluateCount = 0 };
        Assert.Throws<IOException>(() => DemoModelTraining.Run(dir["none"], tiny with { Resume = true }, _ => { }, _ => { }, CancellationToken.None));
        File.WriteAllText(dir["file"], "");
        Assert.Throws<IOException>(() => DemoModelTraining.Run(dir.Path, tiny, _ => { }, _ => { }, CancellationToken.None));
    }

    [Fact]
    public void TheDefaultPlanIsTheShippedModelsRecipe()
    {
        // The shipped manifest keeps what its training run did; `train-demo --out DIR` must redo exactly that.
        var shipped = Path.Combine(AppContext.BaseDirectory, "DemoModel", DemoModelTraining.ManifestFileName);
        using var manifest = JsonDocument.Parse(File.ReadAllText(shipped));
        var training = manifest.RootElement.GetProperty("training");
        var plan = new DemoTrainingPlan();

        Assert.Equal(training.GetProperty("Seed").GetInt64(), plan.Seed);
        Assert.Equal(training.GetProperty("VaeSteps").GetInt32(), plan.VaeSteps);
        Assert.Equal(training.GetProperty("DiffusionSteps").GetInt32(), plan.DiffusionSteps);
        Assert.Equal(training.GetProperty("CalibrationSteps").GetInt32(), plan.CalibrationSteps);
        Assert.Equal(training.GetProperty("Scores").GetProperty("Count").GetInt32(), plan.EvaluateCount);
        Assert.False(plan.Resume);
    }

    private static (int Width, int Height) Size(string png)
    {
        var info = SixLabors.ImageSharp.Image.Identify(png);
        return (info.Width, info.Height);
    }
}
