using TorchSharp;

namespace SdWeb.Engine.Devices;

/// <summary>Turns <see cref="EngineOptions"/> into a concrete placement: "auto" is CUDA + fp16 with a GPU, else CPU + fp32.</summary>
internal static class PlacementResolver
{
    public static ModelPlacement Resolve(EngineOptions options) => Resolve(options, torch.cuda.is_available());

    internal static ModelPlacement Resolve(EngineOptions options, bool cudaAvailable)
    {
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
        var dtype = options.DType switch
        {
            "auto" => device.type == DeviceType.CUDA ? torch.ScalarType.Float16 : torch.ScalarType.Float32,
            "fp32" => torch.ScalarType.Float32,
            "fp16" => torch.ScalarType.Float16,
            "bf16" => torch.ScalarType.BFloat16,
            _ => throw new ArgumentException($"Unknown dtype '{options.DType}'; use auto, fp32, bf16 or fp16."),
        };
        return new ModelPlacement(device, dtype);
    }

    /// <summary>Applies the CPU thread count (0 keeps libtorch's default).</summary>
    public static void ApplyThreads(EngineOptions options)
    {
        if (options.Threads > 0) torch.set_num_threads(options.Threads);
    }
}
