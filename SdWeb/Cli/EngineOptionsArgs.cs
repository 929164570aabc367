using SdWeb.Engine.Devices;
using SdWeb.Options;

namespace SdWeb.Cli;

/// <summary>The --device, --dtype, --threads, --attention, --convolutions and --SdWeb:DataDir options every model-loading verb shares.</summary>
public static class EngineOptionsArgs
{
    private static readonly string[] DTypes = ["auto", "fp32", "bf16", "bf16-compute", "fp16"];

    public static IReadOnlyList<CliOption> Options { get; } =
    [
        new("dtype", string.Join("|", DTypes), "precision (default auto: fp16 on CUDA; on the CPU the fastest faithful mode, measured once per machine, kept in the data folder)"),
        new("device", "auto|cpu|cuda[:N]", "where the model runs (default auto: CUDA if present)"),
        new("threads", "N", "CPU threads for libtorch (default 0: libtorch's choice)"),
        new("attention", string.Join("|", EngineOptions.KernelNames), "attention kernel (default auto: SdWeb's for bf16 on CPUs with AVX-512 BF16 where it races faster than libtorch's; sdweb: wherever it can run)"),
        new("convolutions", string.Join("|", EngineOptions.KernelNames), "convolution kernels (default auto: SdWeb's Winograd for float32 3×3 layers of 256+ channels on the CPU where it races faster than libtorch's; sdweb: wherever it applies)"),
        CliAccounts.DataDir, // where the auto dtype's calibration for this machine is kept
    ];

    public static EngineOptions Read(CliArgs args)
    {
        var dtype = args.Get("dtype") ?? "auto";
        if (!DTypes.Contains(dtype))
            throw new CliUsageException($"--dtype must be one of {string.Join(", ", DTypes)}, not '{dtype}'.");
        var device = args.Get("device") ?? "auto";
        if (device is not ("auto" or "cpu" or "cuda") && !device.StartsWith("cuda:", StringComparison.Ordinal))
            throw new CliUsageException($"--device must be auto, cpu, cuda or cuda:N, not '{device}'.");
        int threads = args.GetInt("threads") ?? 0;
        if (threads < 0) throw new CliUsageException($"--threads must be 0 (the engine's default) or more, not {threads}.");
        var (attention, convolutions) = (KernelName(args, "attention"), KernelName(args, "convolutions"));
        var dataDir = args.Get(CliAccounts.DataDir.Name) ?? new SdWebOptions().DataDir;
        return new EngineOptions
        {
            Device = device, DType = dtype, Threads = threads, Attention = attention, Convolutions = convolutions, CacheDir = new SdWebOptions { DataDir = dataDir }.DataPath,
        };
    }

    private static string KernelName(CliArgs args, string option)
    {
        var name = args.Get(option) ?? "auto";
        return EngineOptions.KernelNames.Contains(name) ? name
            : throw new CliUsageException($"--{option} must be {EngineOptions.KernelNamesText}, not '{name}'.");
    }
}
