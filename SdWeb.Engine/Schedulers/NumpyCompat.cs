namespace SdWeb.Engine.Schedulers;

/// <summary>
/// The few numpy routines diffusers' set_timesteps uses, reproduced in float64 with numpy's evaluation order so the
/// schedules match bit for bit.
/// </summary>
internal static class NumpyCompat
{
    /// <summary>np.linspace(start, stop, num): start + i*step, the last point exactly stop.</summary>
    public static double[] Linspace(double start, double stop, int num)
    {
        var result = new double[num];
        if (num == 1) { result[0] = start; return result; }
        var step = (stop - start) / (num - 1);
        for (var i = 0; i < num; i++) result[i] = i * step + start;
        result[^1] = stop;
        return result;
    }

    /// <summary>np.arange(start, stop, step) for floats: length ceil((stop-start)/step), values start + i*delta.</summary>
    public static double[] Arange(double start, double stop, double step)
    {
        var length = (int)Math.Max(0, Math.Ceiling((stop - start) / step));
        var delta = start + step - start;
        var result = new double[length];
        for (var i = 0; i < length; i++) result[i] = start + i * delta;
        return result;
    }

    /// <summary>np.interp(x, arange(len(fp)), fp): linear interpolation, clamped at both ends.</summary>
    public static double[] InterpOverIndex(IReadOnlyList<double> x, IReadOnlyList<float> fp)
    {
        var result = new double[x.Count];
        for (var i = 0; i < x.Count; i++)
        {
            var xv = x[i];
            if (xv <= 0) { result[i] = fp[0]; continue; }
            if (xv >= fp.Count - 1) { result[i] = fp[^1]; continue; }
            var j = (int)Math.Floor(xv);
            if (j == xv) { result[i] = fp[j]; continue; }
            var slope = (double)fp[j + 1] - fp[j]; // over a unit step of xp
            result[i] = slope * (xv - j) + fp[j];
        }
        return result;
    }

    /// <summary>Round half to even, as np.round.</summary>
    public static double Round(double x) => Math.Round(x, MidpointRounding.ToEven);

    public static float[] ToFloat32(IEnumerable<double> values) => values.Select(v => (float)v).ToArray();
}
