using SdWeb.Engine.Pipelines;

namespace SdWeb.Tests.Pipelines;

[Layer(Layer.Engine)]
public class Img2ImgScheduleTests
{
    [Fact]
    public void MatchesDiffusersGetTimesteps()
    {
        // diffusers: init_timestep = min(int(steps * strength), steps); t_start = max(steps - init_timestep, 0) * order.
        Assert.Equal(12, Img2ImgSchedule.StepsToRun(20, 0.6));
        Assert.Equal(8, Img2ImgSchedule.StartIndex(20, 0.6, 1));
        Assert.Equal(16, Img2ImgSchedule.StartIndex(20, 0.6, 2));
        Assert.Equal(0, Img2ImgSchedule.StartIndex(20, 1.0, 1));
        Assert.Equal(3, Img2ImgSchedule.StepsToRun(10, 0.3)); // 10 * 0.3 = 3.0000000000000004 in double
    }
}
