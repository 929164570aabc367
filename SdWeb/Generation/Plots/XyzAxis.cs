namespace SdWeb.Generation.Plots;

/// <summary>One axis as the user typed it: what it varies and its values in AUTOMATIC1111's syntax ("1-5", "10-20 [3]", "a, b").</summary>
public sealed record XyzAxis(XyzAxisKind Kind, string Values);
