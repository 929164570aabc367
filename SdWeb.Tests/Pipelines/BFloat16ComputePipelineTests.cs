using SdWeb.Engine.Devices;
using SdWeb.Engine.Pipelines;
using SdWeb.Tests.Support;
using Xunit.Abstractions;

namespace SdWeb.Tests.Pipelines;

/// <summary>tiny-sd loaded for bf16 compute (bf16 weights and activations) on the CPU, by the factory the CLI uses, one thread.</summary>
public sealed class TinySdBFloat16ComputePipelineFixture : IDisposable
{
    internal StableDiffusionPipeline Pipeline { get; } = (StableDiffusionPipeline)new PipelineFactory(
        new EngineOptions { Device = "cpu", DType = "bf16-compute", Threads = 1 }).Load(Golden.TinySdFolder);

    public void Dispose() => Pipeline.Dispose();
}

/// <summary>Every golden pipeline case (diffusers, fp32) run with bf16 compute: the images within 35 dB PSNR of the fp32 ones (issue 13).</summary>
[Layer(Layer.Engine)]
public sealed class BFloat16ComputePipelineTests(TinySdBFloat16ComputePipelineFixture fixture, ITestOutputHelper output)
    : IClassFixture<TinySdBFloat16ComputePipelineFixture>
{
    private const double MinPsnrDb = 35;

    public static IEnumerable<object[]> Cases() => PipelineGoldenCase.Names();

    [Fact]
    public void RunsInBFloat16Compute() => Assert.Equal("bf16-compute", fixture.Pipeline.Model.DType);

    [Theory]
    [MemberData(nameof(Cases))]
    public void ImagesStayWithin35DbOfFloat32(string caseName)
    {
        var goldenCase = PipelineGoldenCase.Named(caseName);
        var request = goldenCase.ToRequest();
        using var initImage = request.InitImage;
        using var golden = Golden.OpenCase("pipelines", goldenCase.TensorsFile);
        using var expected = golden.Read("images");

        using var run = fixture.Pipeline.Run(request, goldenCase.Seed, null, CancellationToken.None);

        Assert.True(expected.shape.SequenceEqual(run.Images.shape), $"images [{string.Join(",", run.Images.shape)}]");
        double psnr = BFloat16PipelineTests.Psnr(expected, run.Images);
        output.WriteLine($"{caseName}: bf16-compute images {psnr:F1} dB PSNR against fp32");
        Assert.True(psnr >= MinPsnrDb, $"{caseName}: bf16-compute images are {psnr:F1} dB from fp32, below {MinPsnrDb} dB");
    }
}
