namespace SdWeb.Generation.Plots;

/// <summary>One axis, read: what it varies and its values (an axis left out is one blank value).</summary>
public sealed record XyzLayoutAxis(XyzAxisKind? Kind, IReadOnlyList<XyzAxisValue> Values);

/// <summary>
/// A plot's axes read into values. Cell i is at (x, y, z) with i = x + y·|X| + z·|X|·|Y|, AUTOMATIC1111's order: the grid
/// is read row by row, one sub-grid per Z value.
/// </summary>
public sealed record XyzPlotLayout(XyzLayoutAxis X, XyzLayoutAxis Y, XyzLayoutAxis Z)
{
    private static readonly XyzLayoutAxis Blank = new(null, [new XyzAxisValue("", "")]);

    public int CellCount => X.Values.Count * Y.Values.Count * Z.Values.Count;

    public IEnumerable<XyzLayoutAxis> Axes => [X, Y, Z];

    public int Cell(int x, int y, int z) => x + y * X.Values.Count + z * X.Values.Count * Y.Values.Count;

    public (int X, int Y, int Z) Position(int cell) =>
        (cell % X.Values.Count, cell / X.Values.Count % Y.Values.Count, cell / (X.Values.Count * Y.Values.Count));

    /// <summary>The cell's axis labels, "Seed: 1, CFG Scale: 7".</summary>
    public string Label(int cell)
    {
        var (x, y, z) = Position(cell);
        return string.Join(", ", new[] { X.Values[x].Label, Y.Values[y].Label, Z.Values[z].Label }.Where(l => l.Length > 0));
    }

    /// <summary>Reads every axis; each error names its axis ("Y axis (Sampler): unknown sampler …").</summary>
    /// <param name="maxCells">A job's image limit: more cells than this are refused.</param>
    public static (XyzPlotLayout? Layout, IReadOnlyList<string> Errors) Read(XyzPlot plot, int maxCells)
    {
        var errors = new List<string>();
        var axes = new List<XyzLayoutAxis>();
        foreach (var (name, axis) in plot.Axes)
        {
            if (axis is null) { axes.Add(Blank); continue; }
            try
            {
                axes.Add(new XyzLayoutAxis(axis.Kind, XyzAxisValues.Parse(axis, maxCells)));
            }
            catch (FormatException e)
            {
                errors.Add($"{name} axis ({XyzAxisKinds.Name(axis.Kind)}): {e.Message}");
                axes.Add(Blank);
            }
        }
        var kinds = plot.Axes.Where(a => a.Axis is not null).GroupBy(a => a.Axis!.Kind).Where(g => g.Count() > 1);
        foreach (var kind in kinds)
            errors.Add($"{string.Join(" and ", kind.Select(a => a.Name))} both vary {XyzAxisKinds.Name(kind.Key)}; give each axis its own setting.");
        if (plot.Axes.All(a => a.Axis is null)) errors.Add("An X/Y/Z plot needs at least one axis.");

        var layout = new XyzPlotLayout(axes[0], axes[1], axes[2]);
        if (errors.Count == 0 && layout.CellCount > maxCells)
            errors.Add($"The plot has {string.Join(" × ", layout.Axes.Where(a => a.Kind is not null).Select(a => a.Values.Count))} = {layout.CellCount} cells; a job makes at most {maxCells} images.");
        return errors.Count > 0 ? (null, errors) : (layout, errors);
    }
}
