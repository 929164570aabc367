using System.Text.Json;
using System.Text.Json.Serialization;

namespace SdWeb.Generation.Plots;

/// <summary>
/// AUTOMATIC1111's X/Y/Z plot: up to three axes, one image per combination of their values. Stored with the job as JSON,
/// as typed, so the cells (<see cref="XyzPlotCells"/>) and the grid's labels are derived the same way wherever they are shown.
/// </summary>
public sealed record XyzPlot
{
    public XyzAxis? X { get; init; }
    public XyzAxis? Y { get; init; }
    public XyzAxis? Z { get; init; }

    /// <summary>The axes given, in X, Y, Z order (an axis left out has one cell).</summary>
    [JsonIgnore]
    public IEnumerable<(string Name, XyzAxis? Axis)> Axes => [("X", X), ("Y", Y), ("Z", Z)];

    public string ToJson() => JsonSerializer.Serialize(this);

    public static XyzPlot FromJson(string json) =>
        JsonSerializer.Deserialize<XyzPlot>(json) ?? throw new JsonException("The stored X/Y/Z plot is empty.");
}
