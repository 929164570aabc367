using SdWeb.Engine.Pipelines;

namespace SdWeb.Engine.Kernels;

/// <summary>
/// Counts the calls of SdWeb's own kernels on this thread, so a generation can record which of them ran: whether a layer
/// takes one depends on its shapes, the precision and the CPU, not only on what was allowed. Thread-static: a generation
/// calls its layers from one thread (the kernels' own threads are inside the native calls).
/// </summary>
internal static class KernelUse
{
    [ThreadStatic] private static long _winograd;
    [ThreadStatic] private static long _bf16Attention;

    public static void CountWinograd() => _winograd++;

    public static void CountBf16Attention() => _bf16Attention++;

    /// <summary>The counts now, to compare with after a run.</summary>
    public static Mark Now() => new(_winograd, _bf16Attention);

    /// <summary>The kernels called on this thread since <paramref name="mark"/>.</summary>
    public static KernelChoice Since(Mark mark) => new(_winograd > mark.Winograd, _bf16Attention > mark.Bf16Attention);

    public readonly record struct Mark(long Winograd, long Bf16Attention);
}
