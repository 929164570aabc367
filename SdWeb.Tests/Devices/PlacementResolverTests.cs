using SdWeb.Engine.Devices;
using TorchSharp;

namespace SdWeb.Tests.Devices;

[Layer(Layer.Engine)]
public class PlacementResolverTests
{
    private static readonly Func<ModelPlacement> NoCalibration = () => throw new InvalidOperationException("calibrated");

    [Fact]
    public void AutoIsCudaHalfWithAGpuElseTheCalibratedCpuMode()
    {
        Assert.Equal(ModelPlacement.CpuBFloat16Compute,
            PlacementResolver.Resolve(new EngineOptions(), cudaAvailable: false, () => ModelPlacement.CpuBFloat16Compute));
        var gpu = PlacementResolver.Resolve(new EngineOptions(), cudaAvailable: true, NoCalibration);
        Assert.Equal((DeviceType.CUDA, torch.ScalarType.Float16), (gpu.Device.type, gpu.DType));
    }

    [Fact]
    public void ExplicitChoices()
    {
        var bf16 = PlacementResolver.Resolve(new EngineOptions { Device = "cpu", DType = "bf16" }, cudaAvailable: false, NoCalibration);
        Assert.Equal((DeviceType.CPU, torch.ScalarType.BFloat16, false, "cpu/bf16"), (bf16.Device.type, bf16.DType, bf16.ComputeInWeightDType, bf16.ToString()));
        var compute = PlacementResolver.Resolve(new EngineOptions { Device = "cpu", DType = "bf16-compute" }, cudaAvailable: false, NoCalibration);
        Assert.Equal((DeviceType.CPU, torch.ScalarType.BFloat16, true, "cpu/bf16-compute"),
            (compute.Device.type, compute.DType, compute.ComputeInWeightDType, compute.ToString()));
        var second = PlacementResolver.Resolve(new EngineOptions { Device = "cuda:1", DType = "fp32" }, cudaAvailable: true, NoCalibration);
        Assert.Equal((DeviceType.CUDA, 1, torch.ScalarType.Float32), (second.Device.type, second.Device.index, second.DType));
    }

    [Fact]
    public void CudaWithoutAGpuSaysSo()
    {
        var e = Assert.Throws<ArgumentException>(() => PlacementResolver.Resolve(new EngineOptions { Device = "cuda" }, cudaAvailable: false, NoCalibration));
        Assert.Equal("Device 'cuda' asks for CUDA, but no CUDA GPU is available to libtorch here; use --device cpu (or auto).", e.Message);
    }

    [Fact]
    public void UnknownNames()
    {
        Assert.Equal("Unknown device 'tpu'; use auto, cpu, cuda or cuda:N.",
            Assert.Throws<ArgumentException>(() => PlacementResolver.Resolve(new EngineOptions { Device = "tpu" }, false, NoCalibration)).Message);
        Assert.Equal("Unknown dtype 'fp8'; use auto, fp32, bf16, bf16-compute, fp16.",
            Assert.Throws<ArgumentException>(() => PlacementResolver.Resolve(new EngineOptions { DType = "fp8" }, false, NoCalibration)).Message);
        Assert.Equal("Unknown attention 'flash'; use auto or libtorch.",
            Assert.Throws<ArgumentException>(() => PlacementResolver.Resolve(new EngineOptions { Attention = "flash" }, false, NoCalibration)).Message);
        Assert.Equal("Unknown convolutions 'fft'; use auto or libtorch.",
            Assert.Throws<ArgumentException>(() => PlacementResolver.Resolve(new EngineOptions { Convolutions = "fft" }, false, NoCalibration)).Message);
    }

    [Fact]
    public void LibtorchAttentionIsCarriedByEveryPlacement()
    {
        var options = new EngineOptions { Attention = "libtorch" };
        Assert.True(PlacementResolver.Resolve(options, cudaAvailable: false, () => ModelPlacement.CpuBFloat16Compute).LibtorchAttention);
        Assert.True(PlacementResolver.Resolve(options with { DType = "bf16-compute" }, cudaAvailable: false, NoCalibration).LibtorchAttention);
        Assert.False(PlacementResolver.Resolve(new EngineOptions { DType = "bf16-compute" }, cudaAvailable: false, NoCalibration).LibtorchAttention);
        Assert.Equal("attention: libtorch's (asked for)",
            PlacementResolver.DescribeAttention(ModelPlacement.CpuBFloat16Compute with { LibtorchAttention = true }));
        Assert.Equal("attention: libtorch's", PlacementResolver.DescribeAttention(ModelPlacement.CpuFloat32));
    }

    [Fact]
    public void LibtorchConvolutionsAreCarriedByEveryPlacement()
    {
        var options = new EngineOptions { Convolutions = "libtorch" };
        Assert.True(PlacementResolver.Resolve(options, cudaAvailable: false, () => ModelPlacement.CpuFloat32).LibtorchConvolutions);
        Assert.True(PlacementResolver.Resolve(options with { DType = "bf16" }, cudaAvailable: false, NoCalibration).LibtorchConvolutions);
        Assert.False(PlacementResolver.Resolve(options, cudaAvailable: false, () => ModelPlacement.CpuFloat32).LibtorchAttention);
        Assert.False(PlacementResolver.Resolve(new EngineOptions { DType = "fp32" }, cudaAvailable: false, NoCalibration).LibtorchConvolutions);
        Assert.Equal("convolutions: libtorch's (asked for)",
            PlacementResolver.DescribeConvolutions(ModelPlacement.CpuFloat32 with { LibtorchConvolutions = true }));
    }

    [Fact]
    public void TheLogSaysWhichModesRunWinogradConvolutions()
    {
        Assert.StartsWith("convolutions: SdWeb's Winograd F(4×4, 3×3)", PlacementResolver.DescribeConvolutions(ModelPlacement.CpuFloat32));
        Assert.StartsWith("convolutions: SdWeb's Winograd", PlacementResolver.DescribeConvolutions(new ModelPlacement(torch.CPU, torch.ScalarType.BFloat16)));
        Assert.Equal("convolutions: libtorch's (Winograd runs in float32 only)", PlacementResolver.DescribeConvolutions(ModelPlacement.CpuBFloat16Compute));
        Assert.Equal("convolutions: libtorch's", PlacementResolver.DescribeConvolutions(new ModelPlacement(new torch.Device(DeviceType.CUDA, 0), torch.ScalarType.Float16)));
    }
}
