using SdWeb.Engine.Devices;

namespace SdWeb.Cli;

/// <summary>The --device, --dtype and --threads options every model-loading verb shares.</summary>
public static class EngineOptionsArgs
{
    private static readonly string[] DTypes = ["auto", "fp32", "bf16", "fp16"];

    public static IReadOnlyList<CliOption> Options { get; } =
    [
        new("dtype", string.Join("|", DTypes), "weight and compute precision (default auto: fp16 on CUDA, fp32 on the CPU)"),
        new("device", "auto|cpu|cuda[:N]", "where the model runs (default auto: CUDA if present)"),
        new("threads", "N", "CPU threads for libtorch (default 0: libtorch's choice)"),
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
        return new EngineOptions { Device = device, DType = dtype, Threads = threads };
    }
}
