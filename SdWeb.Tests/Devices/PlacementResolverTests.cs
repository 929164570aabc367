using SdWeb.Engine.Devices;
using TorchSharp;

namespace SdWeb.Tests.Devices;

[Layer(Layer.Engine)]
public class PlacementResolverTests
{
    [Fact]
    public void AutoIsCudaHalfWithAGpuElseCpuFloat()
    {
        Assert.Equal(new ModelPlacement(torch.CPU, torch.ScalarType.Float32), PlacementResolver.Resolve(new EngineOptions(), cudaAvailable: false));
        var gpu = PlacementResolver.Resolve(new EngineOptions(), cudaAvailable: true);
        Assert.Equal((DeviceType.CUDA, torch.ScalarType.Float16), (gpu.Device.type, gpu.DType));
    }

    [Fact]
    public void ExplicitChoices()
    {
        var bf16 = PlacementResolver.Resolve(new EngineOptions { Device = "cpu", DType = "bf16" }, cudaAvailable: false);
        Assert.Equal((DeviceType.CPU, torch.ScalarType.BFloat16), (bf16.Device.type, bf16.DType));
        var second = PlacementResolver.Resolve(new EngineOptions { Device = "cuda:1", DType = "fp32" }, cudaAvailable: true);
        Assert.Equal((DeviceType.CUDA, 1, torch.ScalarType.Float32), (second.Device.type, second.Device.index, second.DType));
    }

    [Fact]
    public void CudaWithoutAGpuSaysSo()
    {
        var e = Assert.Throws<ArgumentException>(() => PlacementResolver.Resolve(new EngineOptions { Device = "cuda" }, cudaAvailable: false));
        Assert.Equal("Device 'cuda' asks for CUDA, but no CUDA GPU is available to libtorch here; use --device cpu (or auto).", e.Message);
    }

    [Fact]
    public void UnknownNames()
    {
        Assert.Equal("Unknown device 'tpu'; use auto, cpu, cuda or cuda:N.",
            Assert.Throws<ArgumentException>(() => PlacementResolver.Resolve(new EngineOptions { Device = "tpu" }, false)).Message);
        Assert.Equal("Unknown dtype 'fp8'; use auto, fp32, bf16 or fp16.",
            Assert.Throws<ArgumentException>(() => PlacementResolver.Resolve(new EngineOptions { DType = "fp8" }, false)).Message);
    }
}
