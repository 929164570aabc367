namespace SdWeb.Engine.Schedulers;

/// <summary>
/// How diffusers places the inference timesteps over the training range ("linspace", "leading", "trailing";
/// Table 2 of arXiv:2305.08891). Each scheduler family spells it slightly differently; every variant lives here.
/// All results are descending.
/// </summary>
internal static class TimestepSpacing
{
    public static readonly string[] Names = ["linspace", "leading", "trailing"];

    /// <summary>LMS/Euler/Euler A/Heun: float32 timesteps, fractional for linspace.</summary>
    public static float[] Fractional(SchedulerConfig c, int steps)
    {
        var t = c.NumTrainTimesteps;
        return Spacing(c) switch
        {
            "linspace" => NumpyCompat.ToFloat32(NumpyCompat.Linspace(0, t - 1, steps).Reverse()),
            "leading" => Enumerable.Range(0, steps).Reverse().Select(i => (float)(i * (t / steps)) + Offset(c)).ToArray(),
            _ => Trailing(t, steps).Select(v => (float)v - 1).ToArray(),
        };
    }

    /// <summary>DDIM: integer timesteps.</summary>
    public static long[] Integer(SchedulerConfig c, int steps)
    {
        var t = c.NumTrainTimesteps;
        return Spacing(c) switch
        {
            "linspace" => NumpyCompat.Linspace(0, t - 1, steps).Reverse().Select(v => (long)NumpyCompat.Round(v)).ToArray(),
            "leading" => Enumerable.Range(0, steps).Reverse().Select(i => (long)i * (t / steps) + Offset(c)).ToArray(),
            _ => Trailing(t, steps).Select(v => (long)v - 1).ToArray(),
        };
    }

    /// <summary>DPM-Solver/UniPC: steps+1 points with the last (t=0 side) dropped, rounded to integers.</summary>
    public static long[] Multistep(SchedulerConfig c, int steps)
    {
        var t = c.NumTrainTimesteps;
        return Spacing(c) switch
        {
            "linspace" => NumpyCompat.Linspace(0, t - 1, steps + 1).Reverse().SkipLast(1)
                .Select(v => (long)NumpyCompat.Round(v)).ToArray(),
            "leading" => Enumerable.Range(0, steps + 1).Reverse().SkipLast(1)
                .Select(i => (long)i * (t / (steps + 1)) + Offset(c)).ToArray(),
            _ => Trailing(t, steps).Select(v => (long)v - 1).ToArray(),
        };
    }

    /// <summary>np.arange(T, 0, -T/steps).round(): descending, before the "- 1".</summary>
    private static double[] Trailing(int trainTimesteps, int steps) =>
        NumpyCompat.Arange(trainTimesteps, 0, -(trainTimesteps / (double)steps)).Select(NumpyCompat.Round).ToArray();

    private static int Offset(SchedulerConfig c) => c.StepsOffset ?? 0;

    public static string Spacing(SchedulerConfig c) =>
        c.TimestepSpacing is { } s && Names.Contains(s)
            ? s
            : throw new ArgumentException(
                $"Unknown timestep_spacing '{c.TimestepSpacing}'. Valid: {string.Join(", ", Names)}.");
}
