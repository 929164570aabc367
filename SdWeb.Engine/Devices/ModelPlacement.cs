using TorchSharp;

namespace SdWeb.Engine.Devices;

/// <summary>Where a model's weights live and in which precision. Modules are constructed directly there.</summary>
internal sealed record ModelPlacement(torch.Device Device, torch.ScalarType DType)
{
    public static ModelPlacement CpuFloat32 { get; } = new(torch.CPU, torch.ScalarType.Float32);

    public override string ToString() => $"{Device.type.ToString().ToLowerInvariant()}/{DTypeName(DType)}";

    public static string DTypeName(torch.ScalarType t) => t switch
    {
        torch.ScalarType.Float32 => "fp32",
        torch.ScalarType.Float16 => "fp16",
        torch.ScalarType.BFloat16 => "bf16",
        _ => t.ToString(),
    };
}
