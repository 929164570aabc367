using System.Globalization;
using TorchSharp;

namespace SdWeb.Engine.Devices;

/// <summary>What the CPU dtype calibration measured on one machine and what it chose (cached as JSON).</summary>
/// <param name="Key">The machine it holds for (<see cref="MachineKey"/>).</param>
/// <param name="Choice">The chosen mode (fp32, bf16 or bf16-compute).</param>
/// <param name="MillisecondsByMode">One SD 1.5 UNet step at 512² per mode, as the calibration workload estimates it.</param>
/// <param name="ErrorByMode">Relative L2 drift of each mode's outputs from fp32's.</param>
/// <param name="ScreenedOut">
/// The modes left untimed because their screening ran more than <see cref="CpuDTypeChoice.MaxScreeningSlowdown"/> times
/// slower than fp32's, with that factor (null in results cached before screening existed).
/// </param>
internal sealed record CpuCalibrationResult(string Key, string Choice, Dictionary<string, double> MillisecondsByMode,
    Dictionary<string, double> ErrorByMode, Dictionary<string, double>? ScreenedOut = null) : ICalibration
{
    public ModelPlacement Placement => PlacementResolver.FromMode(torch.CPU, Choice);

    public string Describe(string origin) =>
        $"auto dtype on this CPU: {Choice} ({origin}; estimated 512² UNet step " +
        string.Join(", ", CpuDTypeChoice.Modes.Where(MillisecondsByMode.ContainsKey).Select(m =>
            string.Create(CultureInfo.InvariantCulture, $"{m} {MillisecondsByMode[m]:0} ms, drift {ErrorByMode.GetValueOrDefault(m):0.0e0}"))) +
        string.Concat((ScreenedOut ?? []).Select(m => string.Create(CultureInfo.InvariantCulture,
            $"; {m.Key} not timed: its convolutions and matmuls ran {m.Value:0}× slower than fp32's"))) +
        $"; {Key})";
}
