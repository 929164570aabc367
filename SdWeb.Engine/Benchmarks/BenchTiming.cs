namespace SdWeb.Engine.Benchmarks;

/// <summary>Wall-clock times of one kind of work (device synchronised) and, where counted, its floating-point work.</summary>
/// <param name="Description">What was timed, e.g. "UNet, batch 2 (CFG)".</param>
/// <param name="Flops">Floating-point operations of one call; null where not counted.</param>
public sealed record BenchTiming(string Description, double MinMs, double MedianMs, int Runs, double? Flops)
{
    /// <summary>GFLOP/s at the fastest run; null without a FLOP count.</summary>
    public double? GflopsPerSecondAtMin => Flops is double f ? f / MinMs / 1e6 : null;
}
