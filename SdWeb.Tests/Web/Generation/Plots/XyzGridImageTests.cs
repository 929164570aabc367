using SdWeb.Generation.Plots;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace SdWeb.Tests.Web.Generation.Plots;

[Layer(Layer.Web)]
public sealed class XyzGridImageTests
{
    [Fact]
    public void CellsSitInTheirColumnAndRowBelowAndRightOfTheLabels()
    {
        var (layout, _) = XyzPlotLayout.Read(new XyzPlot { X = new(XyzAxisKind.Seed, "1, 2"), Y = new(XyzAxisKind.Steps, "5, 10, 15") }, 16);
        var colours = Enumerable.Range(0, 6).Select(i => new Rgb24((byte)(40 * i), 100, (byte)(250 - 40 * i))).ToList();
        var cells = colours.Select(c => new Image<Rgb24>(64, 48, c)).ToList();

        using var grid = XyzGridImage.Draw(layout!, cells);

        // Labels take a band above and a column to the left; the 2 × 3 cells fill the rest.
        var (left, top) = (grid.Width - 2 * 64, grid.Height - 3 * 48);
        Assert.True(left > 0 && top > 0, $"{grid.Width}x{grid.Height}");
        for (var i = 0; i < 6; i++)
        {
            var (x, y, _) = layout!.Position(i);
            Assert.Equal(colours[i], grid[left + x * 64 + 1, top + y * 48 + 1]);
            Assert.Equal(colours[i], grid[left + x * 64 + 62, top + y * 48 + 46]);
        }
        Assert.Contains(Enumerable.Range(0, grid.Width), x => Enumerable.Range(0, top).Any(y => grid[x, y].R == 0)); // label ink
        Assert.Contains(Enumerable.Range(0, left), x => Enumerable.Range(top, 48).Any(y => grid[x, y].R == 0));
        cells.ForEach(c => c.Dispose());
    }
}
