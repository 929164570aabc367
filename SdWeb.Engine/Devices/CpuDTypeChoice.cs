namespace SdWeb.Engine.Devices;

/// <summary>
/// The auto dtype's rule on the CPU: among the modes whose measured drift from fp32 is within their bound, the fastest —
/// but fp32 (exact) unless another mode is at least <see cref="MinGain"/> faster, so that noise does not flip the choice.
/// </summary>
internal static class CpuDTypeChoice
{
    /// <summary>The modes the calibration times; fp32 is the reference.</summary>
    public static IReadOnlyList<string> Modes { get; } = ["fp32", "bf16", "bf16-compute"];

    /// <summary>Fraction of fp32's time another mode must save to be chosen.</summary>
    public const double MinGain = 0.05;

    /// <summary>
    /// How many times slower than fp32's a mode's screening (<see cref="CalibrationWorkload.Screen"/>) may run and the mode
    /// still be timed in full. Convolutions and linear layers are 86 % of a step's work, so a mode 3× slower on them is at
    /// least 2.6× slower overall even if its attention cost nothing: it cannot be chosen, and on a CPU without AVX-512
    /// libtorch's bf16 (~300× slower there) would keep the first model load busy for a quarter of an hour.
    /// </summary>
    public const double MaxScreeningSlowdown = 3;

    /// <summary>
    /// Relative L2 drift from fp32 allowed per mode: bf16 weights with fp32 compute hold 1e-2 (issue 6); bf16 compute is held
    /// to diffusers' own bf16 drift, 2.5e-2 (its bf16 UNet differs from its fp32 one by 2.4e-2).
    /// </summary>
    public static IReadOnlyDictionary<string, double> FidelityBounds { get; } = new Dictionary<string, double>
    {
        ["fp32"] = 0, ["bf16"] = 1e-2, ["bf16-compute"] = 2.5e-2,
    };

    public static string Choose(IReadOnlyDictionary<string, double> millisecondsByMode, IReadOnlyDictionary<string, double> errorByMode)
    {
        var faithful = Modes.Where(m => millisecondsByMode.ContainsKey(m)
            && errorByMode.TryGetValue(m, out var error) && error <= FidelityBounds[m]);
        var fastest = faithful.MinBy(m => millisecondsByMode[m]) ?? "fp32";
        return fastest != "fp32" && millisecondsByMode[fastest] > (1 - MinGain) * millisecondsByMode["fp32"] ? "fp32" : fastest;
    }
}
