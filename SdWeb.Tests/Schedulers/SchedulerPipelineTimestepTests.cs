using System.Text.Json;
using SdWeb.Engine.Schedulers;
using SdWeb.Tests.Support;

namespace SdWeb.Tests.Schedulers;

/// <summary>
/// The pipeline goldens build each scheduler from tiny-sd's scheduler_config.json ("leading", steps_offset 1);
/// the timesteps they ran must be ours (img2img: the tail from t_start·order).
/// </summary>
[Layer(Layer.Engine)]
public class SchedulerPipelineTimestepTests
{
    private static JsonElement Cases() =>
        SchedulerConfig.ParsePythonJson(File.ReadAllText(Golden.PathOf("pipelines", "cases.json"))).RootElement.GetProperty("cases");

    public static TheoryData<string> CaseNames => [.. Cases().EnumerateArray().Select(c => c.GetProperty("name").GetString()!)];

    private static readonly Dictionary<string, string> ClassToName = new()
    {
        ["LMSDiscreteScheduler"] = "lms",
        ["EulerDiscreteScheduler"] = "euler",
        ["EulerAncestralDiscreteScheduler"] = "euler_a",
        ["DDIMScheduler"] = "ddim",
        ["DPMSolverMultistepScheduler"] = "dpmpp_2m",
    };

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void TimestepsFromTheModelConfigMatchThePipelineRun(string caseName)
    {
        var c = Cases().EnumerateArray().Single(e => e.GetProperty("name").GetString() == caseName);
        var karras = c.TryGetProperty("scheduler_kwargs", out var kw) && kw.ValueKind == JsonValueKind.Object &&
                     kw.TryGetProperty("use_karras_sigmas", out var k) && k.GetBoolean();
        var name = ClassToName[c.GetProperty("scheduler_class").GetString()!] + (karras ? "_karras" : "");
        var modelConfig = SchedulerConfig.FromJson(Golden.PathOf("tiny-sd", "scheduler", "scheduler_config.json"));
        var scheduler = SchedulerFactory.Create(name, modelConfig);

        // from_config semantics: the resolved config is the one diffusers recorded for the case.
        var recorded = SchedulerConfig.FromJson(c.GetProperty("scheduler_config"));
        Assert.Equal(recorded.TimestepSpacing, scheduler.Config.TimestepSpacing);
        Assert.Equal(recorded.StepsOffset, scheduler.Config.StepsOffset);
        Assert.Equal(recorded.UseKarrasSigmas, scheduler.Config.UseKarrasSigmas);

        var steps = c.GetProperty("steps").GetInt32();
        scheduler.SetTimesteps(steps);
        var timesteps = SchedulerGolden.Values(scheduler.Timesteps);
        if (c.TryGetProperty("strength", out var s) && s.ValueKind == JsonValueKind.Number)
        {
            var initTimestep = Math.Min((int)(steps * s.GetDouble()), steps);
            var tStart = Math.Max(steps - initTimestep, 0);
            timesteps = timesteps[(tStart * scheduler.Order)..];
        }
        Assert.Equal(SchedulerGolden.Floats(c.GetProperty("timesteps_used")), timesteps);
    }
}
