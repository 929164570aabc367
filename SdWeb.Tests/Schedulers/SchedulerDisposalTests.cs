using static TorchSharp.torch;

namespace SdWeb.Tests.Schedulers;

/// <summary>Schedulers keep tensors outside any dispose scope; disposing one frees them.</summary>
[Layer(Layer.Engine)]
public class SchedulerDisposalTests
{
    [Theory]
    [MemberData(nameof(SchedulerGolden.Keys), MemberType = typeof(SchedulerGolden))]
    public void DisposingASchedulerMidRunFreesItsScheduleAndIsIdempotent(string key)
    {
        var scheduler = SchedulerGolden.Create(key);
        scheduler.SetTimesteps(5);
        var timesteps = scheduler.Timesteps;
        using var sample = ones(1, 4, 2, 2);
        using var modelOutput = full(new long[] { 1, 4, 2, 2 }, 0.1f);
        using (var generator = new Generator(0))
        using (NewDisposeScope())
            for (var i = 0; i < 2; i++)
                scheduler.Step(modelOutput, timesteps[i], sample, generator);

        scheduler.Dispose();
        scheduler.Dispose();

        Assert.True(timesteps.IsInvalid);
        Assert.Throws<InvalidOperationException>(() => scheduler.Timesteps);
    }
}
