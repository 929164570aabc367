using SdWeb.Data;
using SdWeb.Generation.Plots;

namespace SdWeb.Tests.Web.Generation.Plots;

[Layer(Layer.Web)]
public sealed class XyzPlotCellsTests
{
    private static GenerationJob Job() => new()
    {
        UserId = "alice", Prompt = "a cat <lora:detail:0.8> on a mat", NegativePrompt = "ugly cat", Sampler = "euler_a",
        Steps = 20, CfgScale = 7, Seed = 100, Width = 512, Height = 512, ModelName = "model-a",
    };

    private static XyzPlotLayout Layout(XyzPlot plot)
    {
        var (layout, errors) = XyzPlotLayout.Read(plot, 16);
        Assert.Empty(errors);
        return layout!;
    }

    [Fact]
    public void CellsRunAlongXThenYAndEachAppliesItsValues()
    {
        var layout = Layout(new XyzPlot { X = new(XyzAxisKind.Seed, "1, 2"), Y = new(XyzAxisKind.PromptSR, "cat, dog, fox") });
        var job = Job();

        var cells = XyzPlotCells.All(job, layout).ToList();

        Assert.Equal(6, cells.Count);
        Assert.Equal([1L, 2, 1, 2, 1, 2], cells.Select(c => c.Seed!.Value));
        Assert.Equal("a cat <lora:detail:0.8> on a mat", cells[0].Prompt);
        Assert.Equal("a dog <lora:detail:0.8> on a mat", cells[3].Prompt);
        Assert.Equal("ugly fox", cells[5].NegativePrompt);
        Assert.All(cells, c => Assert.Equal(1, c.ImageCount));
        Assert.All(cells, c => Assert.Null(c.Plot));
        Assert.Equal("Seed: 2, dog", layout.Label(3));
        // The job itself is unchanged.
        Assert.Equal(("a cat <lora:detail:0.8> on a mat", 100L), (job.Prompt, job.Seed!.Value));
    }

    [Fact]
    public void ZAxisCellsComeAfterAWholeXyGrid()
    {
        var layout = Layout(new XyzPlot
        {
            X = new(XyzAxisKind.Steps, "10, 20"), Y = new(XyzAxisKind.CfgScale, "5, 9"), Z = new(XyzAxisKind.Size, "512x512, 512x768"),
        });

        var cell = XyzPlotCells.Cell(Job(), layout, 5);

        Assert.Equal((1, 0, 1), layout.Position(5));
        Assert.Equal((20, 5.0, 512, 768), (cell.Steps, cell.CfgScale, cell.Width, cell.Height));
    }

    [Fact]
    public void TheLoraWeightAxisSetsTheWeightOfEveryLoraTag()
    {
        var layout = Layout(new XyzPlot { X = new(XyzAxisKind.LoraWeight, "0.25, 1") });

        var cells = XyzPlotCells.All(Job(), layout).ToList();

        Assert.Equal("a cat <lora:detail:0.25> on a mat", cells[0].Prompt);
        Assert.Equal("a cat <lora:detail:1> on a mat", cells[1].Prompt);
    }

    [Fact]
    public void ASearchTextMissingFromBothPromptsIsAProblem()
    {
        var layout = Layout(new XyzPlot { X = new(XyzAxisKind.PromptSR, "horse, zebra") });

        var problem = Assert.Single(XyzPlotCells.Problems(Job(), layout));

        Assert.Contains("did not find \"horse\"", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void MoreCellsThanAJobsImagesAreRefused()
    {
        var (layout, errors) = XyzPlotLayout.Read(new XyzPlot { X = new(XyzAxisKind.Seed, "1-5"), Y = new(XyzAxisKind.Steps, "1-4") }, 16);

        Assert.Null(layout);
        Assert.Equal("The plot has 5 × 4 = 20 cells; a job makes at most 16 images.", Assert.Single(errors));
    }

    [Fact]
    public void ErrorsNameTheirAxisAndTwoAxesMayNotVaryTheSameSetting()
    {
        var (_, errors) = XyzPlotLayout.Read(new XyzPlot
        {
            X = new(XyzAxisKind.Sampler, "Euler z"), Y = new(XyzAxisKind.Steps, "1"), Z = new(XyzAxisKind.Steps, "2"),
        }, 16);

        Assert.Equal(2, errors.Count);
        Assert.StartsWith("X axis (Sampler): unknown sampler \"Euler z\"", errors[0], StringComparison.Ordinal);
        Assert.Equal("Y and Z both vary Steps; give each axis its own setting.", errors[1]);
    }

    [Fact]
    public void APlotIsStoredAsJsonAndReadBack()
    {
        var plot = new XyzPlot { X = new(XyzAxisKind.CfgScale, "5-9 [3]"), Z = new(XyzAxisKind.PromptSR, "a, \"b, c\"") };

        Assert.Equal(plot, XyzPlot.FromJson(plot.ToJson()));
    }
}
