namespace SdWeb.Engine.Devices;

/// <summary>
/// Where the engine runs: "auto" picks CUDA + fp16 when a GPU is present; on the CPU it picks the fastest faithful
/// precision by measuring this machine (<see cref="CacheDir"/> keeps the result).
/// </summary>
public sealed record EngineOptions
{
    /// <summary>auto | cpu | cuda | cuda:N</summary>
    public string Device { get; init; } = "auto";

    /// <summary>auto | fp32 | bf16 (bf16 weights; fp32 compute on the CPU) | bf16-compute | fp16</summary>
    public string DType { get; init; } = "auto";

    /// <summary>Intra-op threads for the CPU (0 = libtorch's default).</summary>
    public int Threads { get; init; }

    /// <summary>
    /// auto (bf16 attention on the CPU in SdWeb's AVX-512 BF16 kernel where the CPU has it and it raced faster than
    /// libtorch's here) | sdweb (that kernel wherever it can run, unraced) | libtorch (libtorch's everywhere)
    /// </summary>
    public string Attention { get; init; } = "auto";

    /// <summary>
    /// auto (float32 3×3 convolutions of wide layers on large maps as SdWeb's Winograd on the CPU, where it raced faster
    /// than libtorch's here) | sdweb (Winograd wherever it applies, unraced) | libtorch (libtorch's everywhere: the
    /// numbers, bit for bit, of an engine before Winograd, and the A/B against it)
    /// </summary>
    public string Convolutions { get; init; } = "auto";

    /// <summary>The <see cref="Attention"/> and <see cref="Convolutions"/> names, "auto" first: what the CLI, the app's settings and the engine accept.</summary>
    public static IReadOnlyList<string> KernelNames { get; } = ["auto", "sdweb", "libtorch"];

    /// <summary><see cref="KernelNames"/> as messages list them.</summary>
    public static string KernelNamesText => $"{string.Join(", ", KernelNames.SkipLast(1))} or {KernelNames[^1]}";

    /// <summary>A folder for what the engine measured on this machine (the CPU dtype calibration and kernel race); null: measure in each process.</summary>
    public string? CacheDir { get; init; }

    /// <summary>Where the engine reports one-time decisions such as the auto dtype and the timings behind it; null: nowhere.</summary>
    public Action<string>? Log { get; init; }
}
