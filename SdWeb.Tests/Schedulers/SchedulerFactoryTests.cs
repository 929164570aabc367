using SdWeb.Engine.Schedulers;

namespace SdWeb.Tests.Schedulers;

[Layer(Layer.Engine)]
public class SchedulerFactoryTests
{
    [Fact]
    public void ListsTheNineSamplers() =>
        Assert.Equal(["lms", "euler", "euler_a", "heun", "ddim", "pndm", "dpmpp_2m", "dpmpp_2m_karras", "unipc"], SchedulerFactory.Names);

    [Fact]
    public void CreatesEachByName()
    {
        foreach (var name in SchedulerFactory.Names)
            Assert.Equal(name, SchedulerFactory.Create(name, SchedulerGolden.BaseConfig).Name);
    }

    [Fact]
    public void KarrasVariantTurnsOnKarrasSigmas()
    {
        Assert.True(SchedulerFactory.Create("dpmpp_2m_karras", SchedulerGolden.BaseConfig).Config.UseKarrasSigmas);
        Assert.False(SchedulerFactory.Create("dpmpp_2m", SchedulerGolden.BaseConfig).Config.UseKarrasSigmas);
    }

    [Fact]
    public void AnUnknownNameListsTheValidOnes()
    {
        var e = Assert.Throws<ArgumentException>(() => SchedulerFactory.Create("k_lms", SchedulerGolden.BaseConfig));
        Assert.Contains("Unknown scheduler 'k_lms'", e.Message);
        Assert.Contains("lms, euler, euler_a, heun, ddim, pndm, dpmpp_2m, dpmpp_2m_karras, unipc", e.Message);
    }
}
