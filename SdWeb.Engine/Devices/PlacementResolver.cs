using SdWeb.Engine.Kernels;
using SdWeb.Engine.Models.Layers;
using TorchSharp;

namespace SdWeb.Engine.Devices;

/// <summary>
/// Turns <see cref="EngineOptions"/> into a concrete placement: "auto" is CUDA + fp16 with a GPU; on the CPU it is the mode
/// the calibration (<see cref="CpuDTypeCalibration"/>, cached per machine) found fastest within its fidelity bound. On the
/// CPU, auto kernels are SdWeb's own where they raced faster than libtorch's on this machine (<see cref="CpuKernelCalibration"/>).
/// </summary>
internal static class PlacementResolver
{
    /// <summary>The --dtype names, "auto" first.</summary>
    public static IReadOnlyList<string> DTypeNames { get; } = ["auto", "fp32", "bf16", "bf16-compute", "fp16"];

    public static ModelPlacement Resolve(EngineOptions options) =>
        Resolve(options, torch.cuda.is_available(), () => CpuKernelCalibration.Choose(options),
            kernels => CpuDTypeCalibration.Choose(options, kernels).Placement);

    /// <param name="racedKernels">This CPU's kernel race; asked for only when a kernel family is auto and the mode can run it.</param>
    /// <param name="calibratedCpu">The auto mode on the CPU, for a placement carrying the kernels it will run.</param>
    internal static ModelPlacement Resolve(EngineOptions options, bool cudaAvailable, Func<CpuKernelCalibrationResult> racedKernels,
        Func<ModelPlacement, ModelPlacement> calibratedCpu)
    {
        var (attention, convolutions) = (KernelName(options.Attention, "attention"), KernelName(options.Convolutions, "convolutions"));
        var deviceName = options.Device == "auto" ? (cudaAvailable ? "cuda" : "cpu") : options.Device;
        if (deviceName.StartsWith("cuda", StringComparison.Ordinal) && !cudaAvailable)
            throw new ArgumentException(
                $"Device '{options.Device}' asks for CUDA, but no CUDA GPU is available to libtorch here; use --device cpu (or auto).");
        var device = deviceName switch
        {
            "cpu" => torch.CPU,
            "cuda" => new torch.Device(DeviceType.CUDA, -1),
            _ when deviceName.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(deviceName[5..], out var index)
                => new torch.Device(DeviceType.CUDA, index),
            _ => throw new ArgumentException($"Unknown device '{options.Device}'; use auto, cpu, cuda or cuda:N."),
        };
        if (!DTypeNames.Contains(options.DType))
            throw new ArgumentException($"Unknown dtype '{options.DType}'; use {string.Join(", ", DTypeNames)}.");
        var mode = options.DType != "auto" ? FromMode(device, options.DType)
            : device.type == DeviceType.CUDA ? new ModelPlacement(device, torch.ScalarType.Float16) : null;
        var raced = device.type == DeviceType.CPU
            && ((convolutions == "auto" && RunsIn(mode, torch.ScalarType.Float32)) || (attention == "auto" && RunsIn(mode, torch.ScalarType.BFloat16)))
            ? racedKernels() : null;
        var kernels = ModelPlacement.CpuFloat32 with
        {
            LibtorchAttention = attention == "libtorch" || (attention == "auto" && raced?.Bf16Attention == false),
            LibtorchConvolutions = convolutions == "libtorch" || (convolutions == "auto" && raced?.Winograd == false),
        };
        return (mode ?? calibratedCpu(kernels)) with
        {
            LibtorchAttention = kernels.LibtorchAttention,
            LibtorchConvolutions = kernels.LibtorchConvolutions,
        };
    }

    /// <summary>Whether a CPU <paramref name="mode"/> (null: auto, any mode) computes its activations in <paramref name="dtype"/>.</summary>
    private static bool RunsIn(ModelPlacement? mode, torch.ScalarType dtype) => mode is null || MixedPrecision.ActivationDType(mode) == dtype;

    /// <summary>A placement from a mode name other than auto (see <see cref="ModelPlacement.ModeName"/>).</summary>
    internal static ModelPlacement FromMode(torch.Device device, string mode) => mode switch
    {
        "fp32" => new ModelPlacement(device, torch.ScalarType.Float32),
        "fp16" => new ModelPlacement(device, torch.ScalarType.Float16),
        "bf16" => new ModelPlacement(device, torch.ScalarType.BFloat16),
        "bf16-compute" => new ModelPlacement(device, torch.ScalarType.BFloat16, ComputeInWeightDType: true),
        _ => throw new ArgumentException($"Unknown dtype '{mode}'; use {string.Join(", ", DTypeNames)}."),
    };

    /// <summary>Applies the CPU thread count (0 keeps libtorch's default).</summary>
    public static void ApplyThreads(EngineOptions options)
    {
        if (options.Threads > 0) torch.set_num_threads(options.Threads);
    }

    private static string KernelName(string name, string what) => EngineOptions.KernelNames.Contains(name) ? name
        : throw new ArgumentException($"Unknown {what} '{name}'; use {EngineOptions.KernelNamesText}.");

    /// <summary>How a placement runs its 3×3 convolutions, for the log: Winograd where it applies (float32 on the CPU), or libtorch's and why.</summary>
    public static string DescribeConvolutions(ModelPlacement placement, EngineOptions options)
    {
        if (placement.Device.type != DeviceType.CPU) return "convolutions: libtorch's";
        if (MixedPrecision.ActivationDType(placement) != torch.ScalarType.Float32) return "convolutions: libtorch's (Winograd runs in float32 only)";
        if (placement.LibtorchConvolutions)
            return options.Convolutions == "libtorch" ? "convolutions: libtorch's (asked for)" : "convolutions: libtorch's (Winograd was not faster on this CPU)";
        return WinogradF43.WhyUnavailable is { } why
            ? $"convolutions: libtorch's ({why})"
            : $"convolutions: SdWeb's Winograd F(4×4, 3×3) for 3×3 layers of {WinogradConv.MinChannels}+ channels on maps of {WinogradConv.MinPixels}+ pixels, libtorch's elsewhere";
    }

    /// <summary>Which attention a placement runs, for the log: the bf16 kernel, or libtorch's and why.</summary>
    public static string DescribeAttention(ModelPlacement placement, EngineOptions options)
    {
        if (placement.Device.type != DeviceType.CPU || MixedPrecision.ActivationDType(placement) != torch.ScalarType.BFloat16) return "attention: libtorch's";
        if (placement.LibtorchAttention)
            return options.Attention == "libtorch" ? "attention: libtorch's (asked for)" : "attention: libtorch's (SdWeb's bf16 kernel was not faster on this CPU)";
        return Bf16FlashAttention.WhyUnavailable is { } why
            ? $"attention: libtorch's ({why})"
            : "attention: SdWeb's AVX-512 BF16 kernel";
    }
}
