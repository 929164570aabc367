namespace SdWeb.Engine.Devices;

/// <summary>
/// The auto dtype on the CPU: found in the cache for this machine, or measured (<see cref="CalibrationWorkload"/>, a few
/// seconds), chosen by <see cref="CpuDTypeChoice"/>, cached and reported through <see cref="EngineOptions.Log"/>.
/// </summary>
internal static class CpuDTypeCalibration
{
    /// <summary>Where the dtype calibrations are cached, in <see cref="EngineOptions.CacheDir"/>.</summary>
    public const string CacheFileName = "cpu-dtype-calibration.json";

    /// <summary>The auto mode for a CPU running the attention and convolution kernels <paramref name="kernels"/> allows.</summary>
    public static CpuCalibrationResult Choose(EngineOptions options, ModelPlacement kernels)
    {
        var key = $"{MachineKey.Current()}, {CalibrationWorkload.Version}{(kernels.LibtorchAttention ? ", libtorch attention" : "")}"
            + (kernels.LibtorchConvolutions ? ", libtorch convolutions" : "");
        return Choose(options, key, k => Measure(k, kernels));
    }

    internal static CpuCalibrationResult Choose(EngineOptions options, string key, Func<string, CpuCalibrationResult> measure) =>
        CalibrationCache<CpuCalibrationResult>.FindOrMeasure(options, CacheFileName, key, measure);

    /// <summary>
    /// Times the workload in every mode that screens within <see cref="CpuDTypeChoice.MaxScreeningSlowdown"/> of fp32 and
    /// compares each timed mode's outputs with fp32's, with the attention and convolution kernels <paramref name="kernels"/> asks for.
    /// </summary>
    internal static CpuCalibrationResult Measure(string key, ModelPlacement kernels)
    {
        using var workload = new CalibrationWorkload();
        var milliseconds = new Dictionary<string, double>();
        var errors = new Dictionary<string, double>();
        var screenedOut = new Dictionary<string, double>();
        var fp32Screening = workload.Screen(kernels);
        foreach (var mode in CpuDTypeChoice.Modes)
        {
            var placement = PlacementResolver.FromMode(TorchSharp.torch.CPU, mode) with
            {
                LibtorchAttention = kernels.LibtorchAttention,
                LibtorchConvolutions = kernels.LibtorchConvolutions,
            };
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
