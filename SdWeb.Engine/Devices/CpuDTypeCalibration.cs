namespace SdWeb.Engine.Devices;

/// <summary>
/// The auto dtype on the CPU: found in the cache for this machine, or measured (<see cref="CalibrationWorkload"/>, a few
/// seconds), chosen by <see cref="CpuDTypeChoice"/>, cached and reported through <see cref="EngineOptions.Log"/>.
/// </summary>
internal static class CpuDTypeCalibration
{
    public static CpuCalibrationResult Choose(EngineOptions options)
    {
        var libtorchAttention = PlacementResolver.LibtorchAttention(options);
        var key = $"{MachineKey.Current()}, {CalibrationWorkload.Version}{(libtorchAttention ? ", libtorch attention" : "")}";
        return Choose(options, key, k => Measure(k, libtorchAttention));
    }

    internal static CpuCalibrationResult Choose(EngineOptions options, string key, Func<string, CpuCalibrationResult> measure)
    {
        var cache = options.CacheDir is null ? null : new CpuCalibrationCache(options.CacheDir);
        if (cache?.Find(key) is { } cached)
        {
            options.Log?.Invoke(cached.Describe($"cached in {cache.FilePath}"));
            return cached;
        }
        var measured = measure(key);
        cache?.Save(measured);
        options.Log?.Invoke(measured.Describe("measured now"));
        return measured;
    }

    /// <summary>
    /// Times the workload in every mode that screens within <see cref="CpuDTypeChoice.MaxScreeningSlowdown"/> of fp32 and
    /// compares each timed mode's outputs with fp32's.
    /// </summary>
    internal static CpuCalibrationResult Measure(string key, bool libtorchAttention)
    {
        using var workload = new CalibrationWorkload();
        var milliseconds = new Dictionary<string, double>();
        var errors = new Dictionary<string, double>();
        var screenedOut = new Dictionary<string, double>();
        var fp32Screening = workload.Screen(ModelPlacement.CpuFloat32);
        foreach (var mode in CpuDTypeChoice.Modes)
        {
            var placement = PlacementResolver.FromMode(TorchSharp.torch.CPU, mode) with { LibtorchAttention = libtorchAttention };
            if (mode != "fp32")
            {
                var limit = CpuDTypeChoice.MaxScreeningSlowdown * fp32Screening;
                var screening = workload.Screen(placement, enough: limit);
                if (screening > limit)
                {
                    screenedOut[mode] = screening / fp32Screening;
                    continue;
                }
            }
            (milliseconds[mode], errors[mode]) = workload.Run(placement);
        }
        return new CpuCalibrationResult(key, CpuDTypeChoice.Choose(milliseconds, errors), milliseconds, errors,
            screenedOut.Count > 0 ? screenedOut : null);
    }
}
