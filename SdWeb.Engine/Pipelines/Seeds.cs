namespace SdWeb.Engine.Pipelines;

/// <summary>
/// The seeds SdWeb picks when none is given: [0, 2³²), as AUTOMATIC1111 does, so a picked seed can be typed into any tool.
/// Defined once for the engine, the web app and the CLI.
/// </summary>
public static class Seeds
{
    /// <summary>Picked seeds are below this (exclusive upper bound); any seed of 0 or more is accepted.</summary>
    public const long Range = 1L << 32;

    /// <summary>A random seed in [0, <see cref="Range"/>).</summary>
    public static long Random() => System.Random.Shared.NextInt64(Range);
}
