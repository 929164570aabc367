namespace SdWeb.Engine.Benchmarks;

/// <summary>The process's peak resident set (VmHWM in /proc/self/status), in MiB; null where /proc is absent.</summary>
internal static class PeakMemory
{
    public static double? ResidentMiB()
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status)) return null;
        var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        var kib = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(1);
        return long.TryParse(kib, out var v) ? v / 1024.0 : null;
    }
}
