using SdWeb.Engine.Schedulers;
using Xunit.Abstractions;

namespace SdWeb.Tests.Schedulers;

/// <summary>Timesteps, sigmas and init_noise_sigma against diffusers for 20/50/70 steps.</summary>
[Layer(Layer.Engine)]
public class SchedulerScheduleTests(ITestOutputHelper output)
{
    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (var key in SchedulerGolden.FactoryNames.Keys)
            foreach (var steps in new[] { 20, 50, 70 })
                data.Add(key, steps);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchDiffusers(string key, int steps)
    {
        var golden = SchedulerGolden.Entry(key).GetProperty("steps").GetProperty(steps.ToString());
        var scheduler = SchedulerGolden.Create(key);
        scheduler.SetTimesteps(steps);

        Assert.Equal(SchedulerGolden.Floats(golden.GetProperty("timesteps")), SchedulerGolden.Values(scheduler.Timesteps));
        Assert.Equal((float)golden.GetProperty("init_noise_sigma").GetDouble(), scheduler.InitNoiseSigma);

        // Cross-check with the float32 tensors (the JSON holds the same values as float64 text).
        using var file = SchedulerGolden.OpenTensors();
        using var t = file.Read($"{key}/{steps}/timesteps");
        Assert.Equal(SchedulerGolden.Values(t), SchedulerGolden.Values(scheduler.Timesteps));

        if (!golden.TryGetProperty("sigmas", out var sigmasJson)) return;
        var ours = scheduler switch
        {
            SigmaScheduler s => SchedulerGolden.Values(s.Sigmas),
            MultistepScheduler m => SchedulerGolden.Values(m.Sigmas),
            _ => throw new InvalidOperationException($"{key} has golden sigmas but no Sigmas property"),
        };
        var expected = SchedulerGolden.Floats(sigmasJson);
        Assert.Equal(expected.Length, ours.Length);
        var maxRel = expected.Zip(ours).Max(p => Math.Abs(p.First - p.Second) / Math.Max(Math.Abs(p.First), 1e-30));
        output.WriteLine($"{key} {steps}: sigma max relative difference {maxRel:E2}");
        Assert.Equal(expected, ours);
    }

    [Fact]
    public void LmsWithSeventyStepsStartsAtTheSeedDocumentsSigmas()
    {
        var lms = SchedulerFactory.Create("lms", SchedulerGolden.BaseConfig);
        lms.SetTimesteps(70);
        var sigmas = SchedulerGolden.Values(((LmsDiscreteScheduler)lms).Sigmas);
        Assert.Equal(14.6146, sigmas[0], 4);
        Assert.Equal(13.3974, sigmas[1], 4);
    }
}
