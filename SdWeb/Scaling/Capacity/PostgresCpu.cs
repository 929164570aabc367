using System.Globalization;

namespace SdWeb.Scaling.Capacity;

/// <summary>
/// CPU time of a PostgreSQL server on this machine, read from /proc: the postmaster and every process it started
/// (backends, background writer, WAL writer, autovacuum), living or exited (the postmaster's children's time counts a
/// backend once the postmaster has reaped it).
/// </summary>
internal sealed class PostgresCpu
{
    /// <summary>Linux reports /proc times in USER_HZ, 100 a second on every architecture .NET runs on.</summary>
    private const double TicksPerSecond = 100;

    private readonly int _postmaster;

    private PostgresCpu(int postmaster) => _postmaster = postmaster;

    /// <summary>The server one of whose backends is <paramref name="backendPid"/> (pg_backend_pid()), or null when it runs elsewhere.</summary>
    public static PostgresCpu? Of(int backendPid)
    {
        if (!IsPostgres(backendPid) || Stat(backendPid) is not { } backend) return null;
        return IsPostgres(backend.Parent) ? new PostgresCpu(backend.Parent) : null;
    }

    /// <summary>CPU ticks so far of each process of the server.</summary>
    public IReadOnlyDictionary<int, long> Sample()
    {
        var ticks = new Dictionary<int, long>();
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), out var pid) || Stat(pid) is not { } stat) continue;
            if (pid == _postmaster) ticks[pid] = stat.Ticks + stat.ChildTicks;
            else if (stat.Parent == _postmaster) ticks[pid] = stat.Ticks;
        }
        return ticks;
    }

    /// <summary>CPU time the server spent between two samples (processes started in between count from zero).</summary>
    public static TimeSpan Between(IReadOnlyDictionary<int, long> before, IReadOnlyDictionary<int, long> after) =>
        TimeSpan.FromSeconds(after.Sum(p => p.Value - before.GetValueOrDefault(p.Key)) / TicksPerSecond);

    private static bool IsPostgres(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim() == "postgres";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// From /proc/PID/stat: the parent pid (field 4), user+system ticks (14, 15) and those of exited children it reaped
    /// (16, 17). The process name before them may hold spaces.
    /// </summary>
    private static (int Parent, long Ticks, long ChildTicks)? Stat(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // gone, or not ours to read
        }
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        // fields[0] is field 3 (state).
        long Field(int n) => long.Parse(fields[n - 3], CultureInfo.InvariantCulture);
        return ((int)Field(4), Field(14) + Field(15), Field(16) + Field(17));
    }
}
