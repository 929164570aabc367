using SdWeb.Engine.Schedulers;
using TorchSharp;
using static TorchSharp.torch;

namespace SdWeb.Tests.Schedulers;

/// <summary>img2img entry points, previews, other configurations and the error paths.</summary>
[Layer(Layer.Engine)]
public class SchedulerBehaviourTests
{
    private static float GoldenSigma(string key, int steps, int index) =>
        SchedulerGolden.Floats(SchedulerGolden.Entry(key).GetProperty("steps").GetProperty(steps.ToString()).GetProperty("sigmas"))[index];

    private static float[] GoldenAlphasCumprod()
    {
        using var file = SchedulerGolden.OpenTensors();
        using var t = file.Read("train/alphas_cumprod");
        return SchedulerGolden.Values(t);
    }

    [Fact]
    public void StartingAtARepeatedTimestepTakesItsSecondOccurrence()
    {
        // Heun repeats every interior timestep; img2img starting at t_1 begins at its second copy (index 2).
        var heun = SchedulerGolden.Create("HeunDiscreteScheduler");
        heun.SetTimesteps(20);
        using var x = ones(1, 4, 2, 2);
        using var scaled = heun.ScaleModelInput(x, heun.Timesteps[2]);
        var sigma = (double)GoldenSigma("HeunDiscreteScheduler", 20, 2);
        Assert.Equal(1 / Math.Sqrt(sigma * sigma + 1), SchedulerGolden.Values(scaled)[0], 6);
    }

    [Fact]
    public void EulerAddNoiseScalesTheNoiseBySigma()
    {
        var euler = SchedulerGolden.Create("EulerDiscreteScheduler");
        euler.SetTimesteps(20);
        using var x0 = full(new long[] { 2, 4, 2, 2 }, 0.5f);
        using var noise = ones(2, 4, 2, 2);
        using var t = tensor(new[] { SchedulerGolden.Values(euler.Timesteps)[3], SchedulerGolden.Values(euler.Timesteps)[10] });
        using var noisy = euler.AddNoise(x0, noise, t);
        var values = SchedulerGolden.Values(noisy);
        Assert.Equal(0.5 + GoldenSigma("EulerDiscreteScheduler", 20, 3), values[0], 5);
        Assert.Equal(0.5 + GoldenSigma("EulerDiscreteScheduler", 20, 10), values[16], 5);
    }

    [Fact]
    public void DdimAddNoiseUsesTheAlphaProducts()
    {
        var ddim = SchedulerGolden.Create("DDIMScheduler");
        ddim.SetTimesteps(20);
        using var x0 = full(new long[] { 1, 4, 2, 2 }, 0.5f);
        using var noise = ones(1, 4, 2, 2);
        using var t = tensor(new long[] { 551 });
        using var noisy = ddim.AddNoise(x0, noise, t);
        var a = (double)GoldenAlphasCumprod()[551];
        Assert.Equal(Math.Sqrt(a) * 0.5 + Math.Sqrt(1 - a), SchedulerGolden.Values(noisy)[0], 6);
    }

    [Fact]
    public void StepReportsTheCleanEstimate()
    {
        using var sample = full(new long[] { 1, 4, 2, 2 }, 3f);
        using var eps = full(new long[] { 1, 4, 2, 2 }, 0.2f);

        var euler = SchedulerGolden.Create("EulerDiscreteScheduler");
        euler.SetTimesteps(20);
        using var g = new Generator(1);
        var e = euler.Step(eps, euler.Timesteps[0], sample, g);
        Assert.Equal(3 - 0.2 * GoldenSigma("EulerDiscreteScheduler", 20, 0), SchedulerGolden.Values(e.PredOriginalSample)[0], 5);

        var ddim = SchedulerGolden.Create("DDIMScheduler");
        ddim.SetTimesteps(20);
        var d = ddim.Step(eps, ddim.Timesteps[0], sample, null);
        var a = (double)GoldenAlphasCumprod()[951];
        Assert.Equal((3 - Math.Sqrt(1 - a) * 0.2) / Math.Sqrt(a), SchedulerGolden.Values(d.PredOriginalSample)[0], 3);

        var pndm = SchedulerGolden.Create("PNDMScheduler");
        pndm.SetTimesteps(20);
        var p = pndm.Step(eps, pndm.Timesteps[0], sample, null);
        Assert.Equal((3 - Math.Sqrt(1 - a) * 0.2) / Math.Sqrt(a), SchedulerGolden.Values(p.PredOriginalSample)[0], 3);

        var dpm = SchedulerGolden.Create("DPMSolverMultistepScheduler");
        dpm.SetTimesteps(20);
        var m = dpm.Step(eps, dpm.Timesteps[0], sample, null);
        var s = (double)GoldenSigma("DPMSolverMultistepScheduler", 20, 0);
        var alpha = 1 / Math.Sqrt(s * s + 1);
        Assert.Equal((3 - s * alpha * 0.2) / alpha, SchedulerGolden.Values(m.PredOriginalSample)[0], 3);
    }

    [Fact]
    public void VPredictionConvertsToTheCleanEstimate()
    {
        var euler = SchedulerFactory.Create("euler", SchedulerGolden.BaseConfig with { PredictionType = "v_prediction" });
        euler.SetTimesteps(20);
        using var sample = full(new long[] { 1, 4, 2, 2 }, 3f);
        using var v = full(new long[] { 1, 4, 2, 2 }, 0.2f);
        using var g = new Generator(1);
        var step = euler.Step(v, euler.Timesteps[5], sample, g);
        var s = (double)GoldenSigma("EulerDiscreteScheduler", 20, 5);
        Assert.Equal(0.2 * (-s / Math.Sqrt(s * s + 1)) + 3 / (s * s + 1), SchedulerGolden.Values(step.PredOriginalSample)[0], 5);
    }

    [Fact]
    public void TrailingSpacingEndsAtTheLastTrainingStep()
    {
        var euler = SchedulerFactory.Create("euler", SchedulerGolden.BaseConfig with { TimestepSpacing = "trailing" });
        euler.SetTimesteps(20);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => 999f - 50 * i), SchedulerGolden.Values(euler.Timesteps));
        Assert.Equal(euler.InitNoiseSigma, SchedulerGolden.Values(((SigmaScheduler)euler).Sigmas)[0]);
    }

    [Fact]
    public void LeadingSpacingScalesTheInitialNoiseLikeDiffusers()
    {
        var lms = SchedulerFactory.Create("lms", SchedulerGolden.BaseConfig with { TimestepSpacing = "leading" });
        lms.SetTimesteps(20);
        var max = (double)SchedulerGolden.Values(((SigmaScheduler)lms).Sigmas)[0];
        Assert.Equal(Math.Sqrt(max * max + 1), lms.InitNoiseSigma, 5);
    }

    [Fact]
    public void TrainedBetasReproduceTheScheduleTheyCameFrom()
    {
        using var file = SchedulerGolden.OpenTensors();
        using var betas = file.Read("train/betas");
        var config = SchedulerGolden.BaseConfig with { TrainedBetas = SchedulerGolden.Values(betas).Select(b => (double)b).ToArray() };
        var fromBetas = (SigmaScheduler)SchedulerFactory.Create("lms", config);
        fromBetas.SetTimesteps(20);
        Assert.Equal(SchedulerGolden.Floats(SchedulerGolden.Entry("LMSDiscreteScheduler").GetProperty("steps").GetProperty("20").GetProperty("sigmas")),
            SchedulerGolden.Values(fromBetas.Sigmas));
    }

    [Theory]
    [InlineData("linear")]
    [InlineData("squaredcos_cap_v2")]
    public void OtherBetaSchedulesGiveADecreasingSignalLevel(string schedule)
    {
        var ac = new NoiseSchedule(new SchedulerConfig { BetaSchedule = schedule }).AlphasCumprodValues;
        Assert.All(ac.Zip(ac.Skip(1)), p => Assert.True(p.Second < p.First));
        Assert.InRange(ac[0], 0.99f, 1f);
    }

    [Fact]
    public void RejectsAnUnknownBetaSchedule()
    {
        var e = Assert.Throws<ArgumentException>(() => SchedulerFactory.Create("lms", new SchedulerConfig { BetaSchedule = "cosine" }));
        Assert.Contains("Unknown beta_schedule 'cosine'", e.Message);
        Assert.Contains("linear, scaled_linear, squaredcos_cap_v2", e.Message);
    }

    [Fact]
    public void RejectsTrainedBetasOfTheWrongLength()
    {
        var e = Assert.Throws<ArgumentException>(() => SchedulerFactory.Create("lms", new SchedulerConfig { TrainedBetas = [0.1, 0.2] }));
        Assert.Contains("trained_betas has 2 values but num_train_timesteps is 1000", e.Message);
    }

    [Fact]
    public void RejectsAnUnknownSpacing()
    {
        var e = Assert.Throws<ArgumentException>(() => SchedulerFactory.Create("ddim", new SchedulerConfig { TimestepSpacing = "uniform" }));
        Assert.Contains("Unknown timestep_spacing 'uniform'. Valid: linspace, leading, trailing.", e.Message);
    }

    [Fact]
    public void RejectsAPredictionTypeTheClassLacks()
    {
        var e = Assert.Throws<ArgumentException>(() => SchedulerFactory.Create("euler_a", new SchedulerConfig { PredictionType = "sample" }));
        Assert.Contains("euler_a scheduler does not support prediction_type 'sample'. Valid: epsilon, v_prediction.", e.Message);
    }

    [Fact]
    public void PndmNeedsSkipPrkSteps()
    {
        var e = Assert.Throws<NotSupportedException>(() => SchedulerFactory.Create("pndm", new SchedulerConfig()));
        Assert.Contains("skip_prk_steps", e.Message);
    }

    [Fact]
    public void RejectsAStepCountOutsideTheTrainingRange()
    {
        var lms = SchedulerGolden.Create("LMSDiscreteScheduler");
        Assert.Contains("at least 1", Assert.Throws<ArgumentOutOfRangeException>(() => lms.SetTimesteps(0)).Message);
        Assert.Contains("cannot exceed num_train_timesteps (1000)", Assert.Throws<ArgumentOutOfRangeException>(() => lms.SetTimesteps(1001)).Message);
    }

    [Fact]
    public void StepBeforeSetTimestepsSaysWhatToDo()
    {
        var euler = SchedulerGolden.Create("EulerDiscreteScheduler");
        using var x = zeros(1, 4, 2, 2);
        using var t = tensor(999f);
        var e = Assert.Throws<InvalidOperationException>(() => euler.ScaleModelInput(x, t));
        Assert.Contains("call SetTimesteps(numInferenceSteps) first", e.Message);
        Assert.Contains("call SetTimesteps", Assert.Throws<InvalidOperationException>(() => euler.Timesteps).Message);
    }

    [Fact]
    public void ATimestepOutsideTheScheduleIsRejected()
    {
        var euler = SchedulerGolden.Create("EulerDiscreteScheduler");
        euler.SetTimesteps(20);
        using var x = zeros(1, 4, 2, 2);
        using var t = tensor(500f);
        var e = Assert.Throws<ArgumentException>(() => euler.ScaleModelInput(x, t));
        Assert.Contains("Timestep 500 is not in the euler scheduler's current schedule", e.Message);
    }

    [Fact]
    public void ATimestepTensorMustHoldOneValue()
    {
        var euler = SchedulerGolden.Create("EulerDiscreteScheduler");
        euler.SetTimesteps(20);
        using var x = zeros(1, 4, 2, 2);
        using var t = tensor(new[] { 999f, 946f });
        var e = Assert.Throws<ArgumentException>(() => euler.ScaleModelInput(x, t));
        Assert.Contains("Expected a single timestep, got a tensor of shape [2]", e.Message);
    }
}
