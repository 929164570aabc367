using SdWeb.Engine.Devices;
using TorchSharp;

namespace SdWeb.Tests.Devices;

[Layer(Layer.Engine)]
public class PlacementResolverTests
{
    private static readonly Func<ModelPlacement, ModelPlacement> NoCalibration = _ => throw new InvalidOperationException("calibrated");
    private static readonly Func<CpuKernelCalibrationResult> NoRace = () => throw new InvalidOperationException("raced");

    /// <summary>A kernel race in which SdWeb's Winograd and bf16 attention each win or lose against libtorch's.</summary>
    private static Func<CpuKernelCalibrationResult> Race(bool winogradWins, bool attentionWins) =>
        () => new("machine", new KernelTimes(winogradWins ? 60 : 100, 100), new KernelTimes(attentionWins ? 50 : 100, 100));

    private static ModelPlacement Resolve(EngineOptions options, bool cudaAvailable = false, Func<CpuKernelCalibrationResult>? race = null,
        Func<ModelPlacement, ModelPlacement>? calibratedCpu = null) =>
        PlacementResolver.Resolve(options, cudaAvailable, race ?? Race(true, true), calibratedCpu ?? NoCalibration);

    [Fact]
    public void AutoIsCudaHalfWithAGpuElseTheCalibratedCpuMode()
    {
        Assert.Equal(ModelPlacement.CpuBFloat16Compute, Resolve(new EngineOptions(), calibratedCpu: _ => ModelPlacement.CpuBFloat16Compute));
        var gpu = Resolve(new EngineOptions(), cudaAvailable: true, race: NoRace);
        Assert.Equal((DeviceType.CUDA, torch.ScalarType.Float16), (gpu.Device.type, gpu.DType));
    }

    [Fact]
    public void ExplicitChoices()
    {
        var bf16 = Resolve(new EngineOptions { Device = "cpu", DType = "bf16" });
        Assert.Equal((DeviceType.CPU, torch.ScalarType.BFloat16, false, "cpu/bf16"), (bf16.Device.type, bf16.DType, bf16.ComputeInWeightDType, bf16.ToString()));
        var compute = Resolve(new EngineOptions { Device = "cpu", DType = "bf16-compute" });
        Assert.Equal((DeviceType.CPU, torch.ScalarType.BFloat16, true, "cpu/bf16-compute"),
            (compute.Device.type, compute.DType, compute.ComputeInWeightDType, compute.ToString()));
        var second = Resolve(new EngineOptions { Device = "cuda:1", DType = "fp32" }, cudaAvailable: true, race: NoRace);
        Assert.Equal((DeviceType.CUDA, 1, torch.ScalarType.Float32), (second.Device.type, second.Device.index, second.DType));
    }

    [Fact]
    public void CudaWithoutAGpuSaysSo()
    {
        var e = Assert.Throws<ArgumentException>(() => Resolve(new EngineOptions { Device = "cuda" }));
        Assert.Equal("Device 'cuda' asks for CUDA, but no CUDA GPU is available to libtorch here; use --device cpu (or auto).", e.Message);
    }

    [Fact]
    public void UnknownNames()
    {
        Assert.Equal("Unknown device 'tpu'; use auto, cpu, cuda or cuda:N.",
            Assert.Throws<ArgumentException>(() => Resolve(new EngineOptions { Device = "tpu" })).Message);
        Assert.Equal("Unknown dtype 'fp8'; use auto, fp32, bf16, bf16-compute, fp16.",
            Assert.Throws<ArgumentException>(() => Resolve(new EngineOptions { DType = "fp8" })).Message);
        Assert.Equal("Unknown attention 'flash'; use auto, sdweb or libtorch.",
            Assert.Throws<ArgumentException>(() => Resolve(new EngineOptions { Attention = "flash" })).Message);
        Assert.Equal("Unknown convolutions 'fft'; use auto, sdweb or libtorch.",
            Assert.Throws<ArgumentException>(() => Resolve(new EngineOptions { Convolutions = "fft" })).Message);
    }

    /// <summary>Auto kernels on the CPU are SdWeb's where they won this machine's race, in every mode and in the calibration's too.</summary>
    [Theory]
    [InlineData(true, true)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(false, false)]
    public void TheRaceDecidesAutoKernelsOnTheCpu(bool winogradWins, bool attentionWins)
    {
        var race = Race(winogradWins, attentionWins);
        var calibratedWith = new List<ModelPlacement>();
        var auto = Resolve(new EngineOptions(), race: race, calibratedCpu: kernels =>
        {
            calibratedWith.Add(kernels);
            return ModelPlacement.CpuBFloat16Compute with { LibtorchAttention = !kernels.LibtorchAttention }; // flags are the resolver's, not the mode's
        });
        var expected = (LibtorchConvolutions: !winogradWins, LibtorchAttention: !attentionWins);
        Assert.Equal(expected, (auto.LibtorchConvolutions, auto.LibtorchAttention));
        Assert.Equal(expected, (calibratedWith.Single().LibtorchConvolutions, calibratedWith.Single().LibtorchAttention));
        var fp32 = Resolve(new EngineOptions { DType = "fp32" }, race: race);
        Assert.Equal(!winogradWins, fp32.LibtorchConvolutions);
        var compute = Resolve(new EngineOptions { DType = "bf16-compute" }, race: race);
        Assert.Equal(!attentionWins, compute.LibtorchAttention);
    }

    [Fact]
    public void SdwebAndLibtorchAreTakenAsAskedWithoutARace()
    {
        var sdweb = Resolve(new EngineOptions { Attention = "sdweb", Convolutions = "sdweb" }, race: NoRace, calibratedCpu: k => k);
        Assert.Equal((false, false), (sdweb.LibtorchConvolutions, sdweb.LibtorchAttention));
        var libtorch = Resolve(new EngineOptions { Attention = "libtorch", Convolutions = "libtorch" }, race: NoRace, calibratedCpu: k => k);
        Assert.Equal((true, true), (libtorch.LibtorchConvolutions, libtorch.LibtorchAttention));
    }

    [Fact]
    public void RacesOnlyForAKernelTheModeCanRun()
    {
        // fp32 (and bf16 or fp16 weights, which compute in float32 on the CPU) never run the bf16 attention, bf16-compute never
        // runs Winograd; CUDA runs libtorch's.
        Resolve(new EngineOptions { DType = "fp32", Convolutions = "libtorch" }, race: NoRace);
        Resolve(new EngineOptions { DType = "fp16", Convolutions = "libtorch" }, race: NoRace);
        Resolve(new EngineOptions { DType = "bf16-compute", Attention = "sdweb" }, race: NoRace);
        Resolve(new EngineOptions { Device = "cuda" }, cudaAvailable: true, race: NoRace);
        Assert.Throws<InvalidOperationException>(() => Resolve(new EngineOptions { DType = "bf16" }, race: NoRace));
    }

    [Fact]
    public void AKernelThatCannotRunHereIsNotTurnedOff()
    {
        // Where a kernel cannot run the race leaves it out; the placement keeps auto's flag off and the log says why it is libtorch's.
        var placement = Resolve(new EngineOptions(), race: () => new("machine", null, null), calibratedCpu: k => k);
        Assert.Equal((false, false), (placement.LibtorchConvolutions, placement.LibtorchAttention));
    }

    [Fact]
    public void TheLogSaysWhyLibtorchsAttentionRuns()
    {
        Assert.Equal("attention: libtorch's (asked for)", PlacementResolver.DescribeAttention(
            ModelPlacement.CpuBFloat16Compute with { LibtorchAttention = true }, new EngineOptions { Attention = "libtorch" }));
        Assert.Equal("attention: libtorch's (SdWeb's bf16 kernel was not faster on this CPU)", PlacementResolver.DescribeAttention(
            ModelPlacement.CpuBFloat16Compute with { LibtorchAttention = true }, new EngineOptions()));
        Assert.Equal("attention: libtorch's", PlacementResolver.DescribeAttention(ModelPlacement.CpuFloat32, new EngineOptions()));
    }

    [Fact]
    public void TheLogSaysWhichModesRunWinogradConvolutions()
    {
        var options = new EngineOptions();
        Assert.StartsWith("convolutions: SdWeb's Winograd F(4×4, 3×3)", PlacementResolver.DescribeConvolutions(ModelPlacement.CpuFloat32, options));
        Assert.StartsWith("convolutions: SdWeb's Winograd",
            PlacementResolver.DescribeConvolutions(new ModelPlacement(torch.CPU, torch.ScalarType.BFloat16), options));
        Assert.Equal("convolutions: libtorch's (Winograd runs in float32 only)",
            PlacementResolver.DescribeConvolutions(ModelPlacement.CpuBFloat16Compute, options));
        Assert.Equal("convolutions: libtorch's",
            PlacementResolver.DescribeConvolutions(new ModelPlacement(new torch.Device(DeviceType.CUDA, 0), torch.ScalarType.Float16), options));
        var libtorch = ModelPlacement.CpuFloat32 with { LibtorchConvolutions = true };
        Assert.Equal("convolutions: libtorch's (asked for)", PlacementResolver.DescribeConvolutions(libtorch, options with { Convolutions = "libtorch" }));
        Assert.Equal("convolutions: libtorch's (Winograd was not faster on this CPU)", PlacementResolver.DescribeConvolutions(libtorch, options));
    }
}
