using Microsoft.Extensions.DependencyInjection;
using SdWeb.Components.Generate;
using SdWeb.Generation;
using SdWeb.Options;

namespace SdWeb.Tests.Web.Components;

[Layer(Layer.Web)]
public sealed class DemoModelBannerTests : MudComponentTest
{
    [Fact]
    public void SuggestsStableDiffusion15WhereItLivesNow()
    {
        Services.AddSingleton<IModelLibrary>(new DemoOnlyLibrary());
        Services.AddSingleton(new SdWebOptions { ModelsDir = "/srv/models" });
        var banner = Render<DemoModelBanner>();
        Assert.Contains("models download stable-diffusion-v1-5/stable-diffusion-v1-5", banner.Markup);
        Assert.DoesNotContain("runwayml", banner.Markup);
        Assert.Contains("/srv/models", banner.Markup);
    }

    private sealed class DemoOnlyLibrary : IModelLibrary
    {
        public IReadOnlyList<string> Names() => ["sdweb-demo-tiny"];
        public string DefaultModel => "sdweb-demo-tiny";
        public bool IsDemoOnly => true;
        public string ResolvePath(string name) => throw new NotSupportedException();
    }
}
