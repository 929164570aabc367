using TorchSharp;

namespace SdWeb.Engine.Devices;

/// <summary>
/// What a CPU calibration holds for: the CPU model (name, family/model and its bf16/AMX flags), the core count, libtorch's
/// threads and the libtorch version. The same VM image on another host CPU gets a new calibration.
/// </summary>
internal static class MachineKey
{
    public static string Current() =>
        Of(CpuModel(), Environment.ProcessorCount, torch.get_num_threads(), torch.__version__);

    internal static string Of(string cpuModel, int cores, int threads, string libtorchVersion) =>
        $"{cpuModel}, {cores} cores, {threads} threads, libtorch {libtorchVersion}";

    /// <summary>From /proc/cpuinfo where there is one (Linux), else the architecture only.</summary>
    private static string CpuModel()
    {
        const string cpuinfo = "/proc/cpuinfo";
        if (!File.Exists(cpuinfo)) return System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString();
        var fields = File.ReadLines(cpuinfo).TakeWhile(l => l.Length > 0).Select(l => l.Split(':', 2))
            .Where(p => p.Length == 2).GroupBy(p => p[0].Trim()).ToDictionary(g => g.Key, g => g.First()[1].Trim());
        var flags = fields.GetValueOrDefault("flags", "").Split(' ');
        var bf16 = string.Join('+', new[] { "avx512_bf16", "amx_bf16" }.Where(flags.Contains));
        return $"{fields.GetValueOrDefault("model name", "unknown CPU")} (family {fields.GetValueOrDefault("cpu family", "?")} " +
               $"model {fields.GetValueOrDefault("model", "?")}{(bf16.Length > 0 ? ", " + bf16 : "")})";
    }
}
