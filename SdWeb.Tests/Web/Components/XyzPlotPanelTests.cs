using Bunit;
using SdWeb.Components.Generate;
using SdWeb.Generation.Plots;

namespace SdWeb.Tests.Web.Components;

[Layer(Layer.Web)]
public sealed class XyzPlotPanelTests : MudComponentTest
{
    [Fact]
    public void TheFormMakesNoPlotUntilThePanelIsSwitchedOn()
    {
        var model = new XyzPlotFormModel();
        var panel = Render<XyzPlotPanel>(p => p.Add(c => c.Model, model));

        Assert.Contains("X/Y/Z plot", panel.Markup, StringComparison.Ordinal);
        Assert.Null(model.ToPlot());
    }

    [Fact]
    public void TypedValuesBecomeThePlotsAxes()
    {
        var model = new XyzPlotFormModel { Enabled = true };
        model.Y.Kind = XyzAxisKind.Sampler;
        var panel = Render<XyzPlotPanel>(p => p.Add(c => c.Model, model));

        panel.Find("#xyz-x-values").Input("1-3");
        panel.Find("#xyz-y-values").Input("Euler a, DDIM");

        Assert.Equal(
            new XyzPlot { X = new(XyzAxisKind.Seed, "1-3"), Y = new(XyzAxisKind.Sampler, "Euler a, DDIM") },
            model.ToPlot());
        Assert.True(panel.Find("#xyz-z-values").HasAttribute("disabled")); // Z varies nothing
    }

    [Fact]
    public void SwitchingThePanelOffMakesAnOrdinaryJob()
    {
        var model = new XyzPlotFormModel { Enabled = true };
        var panel = Render<XyzPlotPanel>(p => p.Add(c => c.Model, model));

        panel.Find(".xyz-plot-panel input[type=checkbox]").Change(false);

        panel.WaitForAssertion(() => Assert.False(model.Enabled)); // MudBlazor's switch sets its value asynchronously
        Assert.Null(model.ToPlot());
    }

    [Fact]
    public void TheSubmittersErrorIsShown()
    {
        var panel = Render<XyzPlotPanel>(p => p
            .Add(c => c.Model, new XyzPlotFormModel { Enabled = true })
            .Add(c => c.Error, "The plot has 5 × 4 = 20 cells; a job makes at most 16 images."));

        Assert.Equal("The plot has 5 × 4 = 20 cells; a job makes at most 16 images.", panel.Find(".xyz-error").TextContent.Trim());
    }
}
