using SdWeb.Engine.Kernels;
using SdWeb.Engine.Models.Layers;
using TorchSharp;

namespace SdWeb.Engine.Devices;

/// <summary>
/// Turns <see cref="EngineOptions"/> into a concrete placement: "auto" is CUDA + fp16 with a GPU; on the CPU it is the mode
/// the calibration (<see cref="CpuDTypeCalibration"/>, cached per machine) found fastest within its fidelity bound.
/// </summary>
internal static class PlacementResolver
{
    /// <summary>The --dtype names, "auto" first.</summary>
    public static IReadOnlyList<string> DTypeNames { get; } = ["auto", "fp32", "bf16", "bf16-compute", "fp16"];

    public static ModelPlacement Resolve(EngineOptions options) =>
        Resolve(options, torch.cuda.is_available(), () => CpuDTypeCalibration.Choose(options).Placement);

    internal static ModelPlacement Resolve(EngineOptions options, bool cudaAvailable, Func<ModelPlacement> calibratedCpu)
    {
        var (libtorchAttention, libtorchConvolutions) = (LibtorchAttention(options), LibtorchConvolutions(options));
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
        var placement = options.DType != "auto" ? FromMode(device, options.DType)
            : device.type == DeviceType.CUDA ? new ModelPlacement(device, torch.ScalarType.Float16) : calibratedCpu();
        return placement with { LibtorchAttention = libtorchAttention, LibtorchConvolutions = libtorchConvolutions };
    }

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

    /// <summary>Whether the options ask for libtorch's attention everywhere (<see cref="ModelPlacement.LibtorchAttention"/>).</summary>
    public static bool LibtorchAttention(EngineOptions options) => AsksForLibtorch(options.Attention, "attention");

    /// <summary>Whether the options ask for libtorch's convolutions everywhere (<see cref="ModelPlacement.LibtorchConvolutions"/>).</summary>
    public static bool LibtorchConvolutions(EngineOptions options) => AsksForLibtorch(options.Convolutions, "convolutions");

    private static bool AsksForLibtorch(string kernels, string what) => EngineOptions.KernelNames.Contains(kernels)
        ? kernels == "libtorch"
        : throw new ArgumentException($"Unknown {what} '{kernels}'; use {string.Join(" or ", EngineOptions.KernelNames)}.");

    /// <summary>How a placement runs its 3×3 convolutions, for the log: Winograd where it applies (float32 on the CPU), or libtorch's and why.</summary>
    public static string DescribeConvolutions(ModelPlacement placement)
    {
        if (placement.Device.type != DeviceType.CPU) return "convolutions: libtorch's";
        if (MixedPrecision.ActivationDType(placement) != torch.ScalarType.Float32) return "convolutions: libtorch's (Winograd runs in float32 only)";
        if (placement.LibtorchConvolutions) return "convolutions: libtorch's (asked for)";
        return WinogradF43.WhyUnavailable is { } why
            ? $"convolutions: libtorch's ({why})"
            : $"convolutions: SdWeb's Winograd F(4×4, 3×3) for 3×3 layers of {WinogradConv.MinChannels}+ channels on maps of {WinogradConv.MinPixels}+ pixels, libtorch's elsewhere";
    }

    /// <summary>Which attention a placement runs, for the log: the bf16 kernel, or libtorch's and why.</summary>
    public static string DescribeAttention(ModelPlacement placement)
    {
        if (placement.Device.type != DeviceType.CPU || MixedPrecision.ActivationDType(placement) != torch.ScalarType.BFloat16) return "attention: libtorch's";
        if (placement.LibtorchAttention) return "attention: libtorch's (asked for)";
        return Bf16FlashAttention.WhyUnavailable is { } why
            ? $"attention: libtorch's ({why})"
            : "attention: SdWeb's AVX-512 BF16 kernel";
    }
}
