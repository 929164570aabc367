using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace SdWeb.Generation.Plots;

/// <summary>
/// The labelled grid AUTOMATIC1111's X/Y/Z plot saves: per Z value a sub-grid with one column per X value and one row per Y
/// value, X labels above the columns, Y labels left of the rows, and the sub-grids side by side under their Z titles.
/// </summary>
public static class XyzGridImage
{
    private static readonly Rgb24 Background = new(255, 255, 255);
    private static readonly Rgb24 Ink = new(0, 0, 0);

    /// <param name="cells">The cells' images in <see cref="XyzPlotLayout"/>'s order; each slot is as large as the largest.</param>
    public static Image<Rgb24> Draw(XyzPlotLayout layout, IReadOnlyList<Image<Rgb24>> cells)
    {
        var (cellWidth, cellHeight) = (cells.Max(c => c.Width), cells.Max(c => c.Height));
        var scale = Math.Max(1, cellWidth / 128);
        var pad = 4 * scale;
        var lineHeight = (PixelFont.GlyphHeight + 3) * scale;

        var columnLabels = Labels(layout.X, cellWidth - 2 * pad, scale);
        var rowLabelWidth = layout.Y.Kind is null ? 0 : Math.Min(cellWidth, layout.Y.Values.Max(v => PixelFont.Width(v.Label, scale)));
        var rowLabels = Labels(layout.Y, rowLabelWidth, scale);
        var top = layout.X.Kind is null ? 0 : columnLabels.Max(l => l.Count) * lineHeight + 2 * pad;
        var left = layout.Y.Kind is null ? 0 : rowLabelWidth + 2 * pad;
        var subWidth = left + layout.X.Values.Count * cellWidth;
        var subHeight = top + layout.Y.Values.Count * cellHeight;
        var titles = Labels(layout.Z, subWidth - 2 * pad, scale);
        var titleHeight = layout.Z.Kind is null ? 0 : titles.Max(l => l.Count) * lineHeight + 2 * pad;
        var gap = layout.Z.Kind is null ? 0 : 2 * pad;
        var zCount = layout.Z.Values.Count;

        var grid = new Image<Rgb24>(zCount * subWidth + (zCount - 1) * gap, titleHeight + subHeight, Background);
        for (var z = 0; z < zCount; z++)
        {
            var originX = z * (subWidth + gap);
            DrawLines(grid, titles[z], originX, subWidth, 0 + pad, scale, lineHeight);
            for (var x = 0; x < layout.X.Values.Count; x++)
                DrawLines(grid, columnLabels[x], originX + left + x * cellWidth, cellWidth, titleHeight + pad, scale, lineHeight);
            for (var y = 0; y < layout.Y.Values.Count; y++)
            {
                var linesTop = titleHeight + top + y * cellHeight + (cellHeight - rowLabels[y].Count * lineHeight) / 2;
                DrawLines(grid, rowLabels[y], originX + pad, rowLabelWidth, linesTop, scale, lineHeight);
            }
        }
        for (var i = 0; i < cells.Count; i++)
        {
            var (x, y, z) = layout.Position(i);
            var at = new Point(z * (subWidth + gap) + left + x * cellWidth, titleHeight + top + y * cellHeight);
            grid.Mutate(g => g.DrawImage(cells[i], at, 1f));
        }
        return grid;
    }

    /// <summary>Each value's label wrapped to <paramref name="width"/> pixels.</summary>
    private static List<List<string>> Labels(XyzLayoutAxis axis, int width, int scale) =>
        axis.Values.Select(v => Wrap(v.Label, Math.Max(1, (width + scale) / (PixelFont.Advance * scale)))).ToList();

    /// <summary>Words to lines of at most <paramref name="perLine"/> characters (a longer word is cut).</summary>
    private static List<string> Wrap(string text, int perLine)
    {
        var lines = new List<string>();
        var line = "";
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var rest = word;
            if (line.Length > 0 && line.Length + 1 + rest.Length <= perLine) { line += " " + rest; continue; }
            if (line.Length > 0) lines.Add(line);
            for (; rest.Length > perLine; rest = rest[perLine..]) lines.Add(rest[..perLine]);
            line = rest;
        }
        if (line.Length > 0 || lines.Count == 0) lines.Add(line);
        return lines;
    }

    /// <summary>Lines centred in [left, left + width), from <paramref name="top"/> down.</summary>
    private static void DrawLines(Image<Rgb24> grid, List<string> lines, int left, int width, int top, int scale, int lineHeight)
    {
        for (var i = 0; i < lines.Count; i++)
            PixelFont.Draw(grid, lines[i], left + (width - PixelFont.Width(lines[i], scale)) / 2, top + i * lineHeight, scale, Ink);
    }
}
