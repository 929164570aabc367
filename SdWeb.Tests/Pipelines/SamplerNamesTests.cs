using SdWeb.Engine.Pipelines;
using SdWeb.Engine.Schedulers;

namespace SdWeb.Tests.Pipelines;

[Layer(Layer.Engine)]
public class SamplerNamesTests
{
    [Fact]
    public void EverySchedulerHasAnA1111NameThatMapsBack()
    {
        Assert.Equal(SchedulerFactory.Names.Order(), SamplerNames.All.Order());
        foreach (var name in SchedulerFactory.Names)
            Assert.Equal(name, SamplerNames.FromA1111(SamplerNames.ToA1111(name)));
        Assert.Equal("Euler a", SamplerNames.ToA1111("euler_a"));
        Assert.Equal("DPM++ 2M Karras", SamplerNames.ToA1111("dpmpp_2m_karras"));
        Assert.Equal("DPM++ 2M SDE Karras", SamplerNames.ToA1111("dpmpp_2m_sde_karras"));
        Assert.Equal("euler_karras", SamplerNames.FromA1111("Euler Karras"));
    }
}
