using SdWeb.Engine.Schedulers;
using Xunit.Abstractions;

namespace SdWeb.Tests.Schedulers;

/// <summary>The training schedule (betas, ᾱ) of the SD v1 config against diffusers' float32 tensors.</summary>
[Layer(Layer.Engine)]
public class NoiseScheduleTests(ITestOutputHelper output)
{
    [Fact]
    public void BetasAndAlphasCumprodMatchDiffusers()
    {
        var schedule = new NoiseSchedule(SchedulerGolden.BaseConfig);
        using var file = SchedulerGolden.OpenTensors();
        using var betas = file.Read("train/betas");
        using var alphasCumprod = file.Read("train/alphas_cumprod");
        output.WriteLine($"betas max diff {SchedulerGolden.MaxAbsDiff(betas, schedule.Betas):E3}, " +
                         $"alphas_cumprod max diff {SchedulerGolden.MaxAbsDiff(alphasCumprod, schedule.AlphasCumprod):E3}");
        Assert.Equal(SchedulerGolden.Values(betas), SchedulerGolden.Values(schedule.Betas));
        Assert.Equal(SchedulerGolden.Values(alphasCumprod), schedule.AlphasCumprodValues);
    }
}
