using SdWeb.Engine.Schedulers;

namespace SdWeb.Tests.Schedulers;

[Layer(Layer.Engine)]
public class SchedulerFactoryTests
{
    [Fact]
    public void ListsTheSamplers() =>
        Assert.Equal(
            ["lms", "lms_karras", "euler", "euler_karras", "euler_a", "heun", "heun_karras", "ddim", "pndm",
             "dpmpp_2m", "dpmpp_2m_karras", "dpmpp_2m_sde", "dpmpp_2m_sde_karras", "unipc", "unipc_karras"],
            SchedulerFactory.Names);

    [Fact]
    public void CreatesEachByName()
    {
        foreach (var name in SchedulerFactory.Names)
            Assert.Equal(name, SchedulerFactory.Create(name, SchedulerGolden.BaseConfig).Name);
    }

    [Fact]
    public void KarrasVariantTurnsOnKarrasSigmas()
    {
        foreach (var name in SchedulerFactory.Names)
            Assert.Equal(name.EndsWith("_karras"), SchedulerFactory.Create(name, SchedulerGolden.BaseConfig).Config.UseKarrasSigmas);
    }

    [Fact]
    public void AnUnknownNameListsTheValidOnes()
    {
        var e = Assert.Throws<ArgumentException>(() => SchedulerFactory.Create("k_lms", SchedulerGolden.BaseConfig));
        Assert.Contains("Unknown scheduler 'k_lms'", e.Message);
        Assert.Contains("lms, lms_karras, euler, euler_karras, euler_a, heun, heun_karras, ddim, pndm, dpmpp_2m, dpmpp_2m_karras, dpmpp_2m_sde, dpmpp_2m_sde_karras, unipc, unipc_karras", e.Message);
    }
}
