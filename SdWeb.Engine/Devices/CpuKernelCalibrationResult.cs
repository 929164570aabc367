using System.Globalization;

namespace SdWeb.Engine.Devices;

/// <summary>SdWeb's own CPU kernels timed against libtorch's on one machine (<see cref="KernelRace"/>), and what auto takes.</summary>
/// <param name="Key">The machine it holds for (<see cref="MachineKey"/> and the race's version).</param>
/// <param name="WinogradMilliseconds">The race's convolutions in Winograd and in libtorch's kernels; null where Winograd cannot run here.</param>
/// <param name="AttentionMilliseconds">Its bf16 attention in SdWeb's kernel and in libtorch's; null where the kernel cannot run here.</param>
internal sealed record CpuKernelCalibrationResult(string Key, KernelTimes? WinogradMilliseconds, KernelTimes? AttentionMilliseconds)
    : ICalibration
{
    /// <summary>Fraction of libtorch's time SdWeb's kernel must save to be taken: libtorch's are the reference's own numbers.</summary>
    public const double MinGain = 0.05;

    /// <summary>Whether auto runs Winograd here; null where it cannot run (nothing was measured).</summary>
    public bool? Winograd => WinogradMilliseconds?.OwnIsFaster;

    /// <summary>Whether auto runs SdWeb's bf16 attention here; null where it cannot run.</summary>
    public bool? Bf16Attention => AttentionMilliseconds?.OwnIsFaster;

    public string Describe(string origin) =>
        $"SdWeb's kernels on this CPU ({origin}): " + Describe("Winograd convolutions", "Winograd", WinogradMilliseconds) + "; "
        + Describe("bf16 attention", "SdWeb's", AttentionMilliseconds) + $"; {Key}";

    private static string Describe(string what, string own, KernelTimes? times) => times is null ? $"{what}: cannot run here"
        : string.Create(CultureInfo.InvariantCulture,
            $"{what} {times.Own:0} ms against libtorch's {times.Libtorch:0} ms ({times.Own / times.Libtorch:0.00}×): {(times.OwnIsFaster ? own : "libtorch's")}");
}

/// <summary>One kernel family's race: SdWeb's kernel and libtorch's on the same work, in milliseconds.</summary>
internal sealed record KernelTimes(double Own, double Libtorch)
{
    public bool OwnIsFaster => Own <= (1 - CpuKernelCalibrationResult.MinGain) * Libtorch;
}
