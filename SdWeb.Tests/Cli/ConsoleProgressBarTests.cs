using SdWeb.Cli;
using SdWeb.Engine.Pipelines;

namespace SdWeb.Tests.Cli;

[Layer(Layer.Engine)]
public class ConsoleProgressBarTests
{
    [Fact]
    public void DrawsStepRateAndEtaOnOneLineEndingAtTheLastStep()
    {
        var output = new StringWriter();
        var bar = new ConsoleProgressBar(output);
        bar.Report(new StepProgress(5, 10, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(4), null));
        bar.Report(new StepProgress(10, 10, TimeSpan.FromSeconds(8), TimeSpan.Zero, null));
        Assert.Equal(
            "\r[###############...............] step 5/10  0.80 s/step  ETA 00:04" +
            "\r[##############################] step 10/10  0.80 s/step  ETA 00:00" + Environment.NewLine,
            output.ToString());
    }
}
