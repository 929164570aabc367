using SdWeb.Engine.Schedulers;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace SdWeb.Tests.Schedulers;

/// <summary>
/// The golden 20-step sampling loop with the fake model eps = 0.1·scale_model_input(x,t) + 0.05·fixed, run freely
/// (our own latents feed the next step) and compared after every step() call.
/// </summary>
[Layer(Layer.Engine)]
public class SchedulerLoopTests(ITestOutputHelper output)
{
    /// <summary>Relative to the largest golden magnitude of the compared tensor.</summary>
    private const double Tolerance = 1e-5;

    [Theory]
    [MemberData(nameof(SchedulerGolden.Keys), MemberType = typeof(SchedulerGolden))]
    public void SamplingLoopMatchesDiffusers(string key)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using var file = SchedulerGolden.OpenTensors();
        var loop = SchedulerGolden.Root.GetProperty("sampling_loop").GetProperty(key);
        var scheduler = SchedulerGolden.Create(key);
        scheduler.SetTimesteps(loop.GetProperty("num_inference_steps").GetInt32());

        var fixedTensor = file.Read("loop/fixed_tensor");
        var goldenLatents = file.Read($"loop/{key}/latents");
        var goldenInputs = file.Read($"loop/{key}/model_inputs");
        var goldenOutputs = file.Read($"loop/{key}/model_outputs");
        var calls = loop.GetProperty("num_step_calls").GetInt32();
        Assert.Equal(calls, (int)scheduler.Timesteps.shape[0]);
        Assert.Equal(SchedulerGolden.Values(file.Read($"loop/{key}/timesteps")), SchedulerGolden.Values(scheduler.Timesteps));

        // The initial latents are randn(seed 42) * init_noise_sigma, exactly as the pipeline makes them.
        using var seed42 = new Generator(42);
        var latents = randn([1, 4, 8, 8], generator: seed42) * scheduler.InitNoiseSigma;
        Assert.Equal(SchedulerGolden.Values(file.Read($"loop/{key}/initial_latents")), SchedulerGolden.Values(latents));

        using var generator = new Generator(7);
        double worstInput = 0, worstOutput = 0, worstLatents = 0;
        for (var i = 0; i < calls; i++)
        {
            var t = scheduler.Timesteps[i];
            var input = scheduler.ScaleModelInput(latents, t);
            var eps = 0.1 * input + 0.05 * fixedTensor;
            var step = scheduler.Step(eps, t, latents, generator);
            latents = step.PrevSample;
            Assert.Equal(latents.shape, step.PredOriginalSample.shape);

            worstInput = Math.Max(worstInput, Relative(input, goldenInputs[i]));
            worstOutput = Math.Max(worstOutput, Relative(eps, goldenOutputs[i]));
            worstLatents = Math.Max(worstLatents, Relative(latents, goldenLatents[i]));
        }
        output.WriteLine($"{key}: max relative diff model input {worstInput:E2}, model output {worstOutput:E2}, latents {worstLatents:E2}");
        var first8 = SchedulerGolden.Floats(loop.GetProperty("final_latents_first8"));
        Assert.Equal(first8, SchedulerGolden.Values(latents).Take(8), (a, b) => Math.Abs(a - b) <= Tolerance * Math.Abs(a) + 1e-6);
        Assert.True(worstInput <= Tolerance, $"model input off by {worstInput:E2}");
        Assert.True(worstOutput <= Tolerance, $"model output off by {worstOutput:E2}");
        Assert.True(worstLatents <= Tolerance, $"latents off by {worstLatents:E2}");
    }

    private static double Relative(Tensor ours, Tensor golden) =>
        SchedulerGolden.MaxAbsDiff(ours, golden) / SchedulerGolden.MaxAbs(golden);
}
