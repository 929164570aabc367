namespace SdWeb.Engine.Benchmarks;

/// <summary>
/// The process's peak resident set (VmHWM in /proc/self/status), in MiB; null where /proc is absent. <see cref="Restart"/>
/// starts a new window (Linux's clear_refs), so each of several generations in one process has its own peak.
/// </summary>
internal static class PeakMemory
{
    private const string Status = "/proc/self/status", ClearRefs = "/proc/self/clear_refs";
    private static double _beforeRestartsMiB;

    /// <summary>The peak over the process's whole life, windows before a <see cref="Restart"/> included.</summary>
    public static double? ResidentMiB() => WindowMiB() is double window ? Math.Max(window, _beforeRestartsMiB) : null;

    /// <summary>The peak since the last <see cref="Restart"/> (or the process's start).</summary>
    public static double? WindowMiB()
    {
        if (!File.Exists(Status)) return null;
        var line = File.ReadLines(Status).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        var kib = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(1);
        return long.TryParse(kib, out var v) ? v / 1024.0 : null;
    }

    /// <summary>Starts a new peak window at the current resident set; false where the kernel does not allow it.</summary>
    public static bool Restart()
    {
        if (WindowMiB() is not double window) return false;
        try
        {
            File.WriteAllText(ClearRefs, "5"); // 5: reset the peak resident set to the current one (proc(5))
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
        _beforeRestartsMiB = Math.Max(_beforeRestartsMiB, window);
        return true;
    }
}
