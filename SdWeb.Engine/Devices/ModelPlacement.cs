using TorchSharp;

namespace SdWeb.Engine.Devices;

/// <summary>
/// Where a model's weights live and in which precision. Modules are constructed directly there. On the CPU, bf16 weights
/// compute in float32 unless <paramref name="ComputeInWeightDType"/> asks for bf16 arithmetic too (the "bf16-compute" mode).
/// bf16 attention on the CPU runs in SdWeb's AVX-512 BF16 kernel where the CPU has it, unless
/// <paramref name="LibtorchAttention"/> asks for libtorch's (<c>--attention libtorch</c>). Float32 3×3 convolutions of wide
/// layers on the CPU run as Winograd unless <paramref name="LibtorchConvolutions"/> asks for libtorch's (<c>--convolutions libtorch</c>).
/// </summary>
internal sealed record ModelPlacement(torch.Device Device, torch.ScalarType DType, bool ComputeInWeightDType = false,
    bool LibtorchAttention = false, bool LibtorchConvolutions = false)
{
    public static ModelPlacement CpuFloat32 { get; } = new(torch.CPU, torch.ScalarType.Float32);

    /// <summary>bf16 weights and bf16 activations on the CPU, as diffusers runs a model moved to bfloat16.</summary>
    public static ModelPlacement CpuBFloat16Compute { get; } = new(torch.CPU, torch.ScalarType.BFloat16, ComputeInWeightDType: true);

    /// <summary>The mode's name as --dtype takes it: fp32, fp16, bf16 (bf16 weights, fp32 compute on the CPU) or bf16-compute.</summary>
    public string ModeName => ComputeInWeightDType && Device.type == DeviceType.CPU && DType != torch.ScalarType.Float32
        ? $"{DTypeName(DType)}-compute" : DTypeName(DType);

    public override string ToString() => $"{Device.type.ToString().ToLowerInvariant()}/{ModeName}";

    public static string DTypeName(torch.ScalarType t) => t switch
    {
        torch.ScalarType.Float32 => "fp32",
        torch.ScalarType.Float16 => "fp16",
        torch.ScalarType.BFloat16 => "bf16",
        _ => t.ToString(),
    };
}
