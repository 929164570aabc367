namespace SdWeb.Generation.Plots;

/// <summary>One value of an axis: as the cell applies it (invariant text: "7.5", "euler_a", "512x768") and as the grid labels it.</summary>
public sealed record XyzAxisValue(string Value, string Label);
