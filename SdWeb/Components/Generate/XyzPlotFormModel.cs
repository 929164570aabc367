using SdWeb.Generation.Plots;

namespace SdWeb.Components.Generate;

/// <summary>The Generate form's X/Y/Z plot panel: off, or up to three axes (an axis without a kind is left out).</summary>
public sealed class XyzPlotFormModel
{
    public bool Enabled { get; set; }
    public XyzAxisFormModel X { get; } = new() { Kind = XyzAxisKind.Seed };
    public XyzAxisFormModel Y { get; } = new();
    public XyzAxisFormModel Z { get; } = new();

    public IEnumerable<(string Name, XyzAxisFormModel Axis)> Axes => [("X", X), ("Y", Y), ("Z", Z)];

    /// <summary>Null when the panel is off, so the job is an ordinary one.</summary>
    public XyzPlot? ToPlot() => Enabled ? new XyzPlot { X = X.ToAxis(), Y = Y.ToAxis(), Z = Z.ToAxis() } : null;
}

/// <summary>One axis row: what it varies (none = unused) and the values as typed.</summary>
public sealed class XyzAxisFormModel
{
    public XyzAxisKind? Kind { get; set; }
    public string Values { get; set; } = "";

    public XyzAxis? ToAxis() => Kind is { } kind ? new XyzAxis(kind, Values) : null;
}
