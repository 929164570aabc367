using SdWeb.Engine.Devices;
using SdWeb.Engine.Pipelines;
using SdWeb.Tests.Support;
using TorchSharp;
using Xunit.Abstractions;

namespace SdWeb.Tests.Pipelines;

/// <summary>tiny-sd loaded in bf16 on the CPU, by the factory the CLI uses, one thread.</summary>
public sealed class TinySdBFloat16PipelineFixture : IDisposable
{
    internal StableDiffusionPipeline Pipeline { get; } = (StableDiffusionPipeline)new PipelineFactory(
        new EngineOptions { Device = "cpu", DType = "bf16", Threads = 1 }).Load(Golden.TinySdFolder);

    public void Dispose() => Pipeline.Dispose();
}

/// <summary>Every golden pipeline case (diffusers, fp32) run in bf16: the images within 30 dB PSNR of the fp32 ones (issue 6).</summary>
[Layer(Layer.Engine)]
public sealed class BFloat16PipelineTests(TinySdBFloat16PipelineFixture fixture, ITestOutputHelper output)
    : IClassFixture<TinySdBFloat16PipelineFixture>
{
    private const double MinPsnrDb = 30;

    public static IEnumerable<object[]> Cases() => PipelineGoldenCase.Names();

    [Theory]
    [MemberData(nameof(Cases))]
    public void ImagesStayWithin30DbOfFloat32(string caseName)
    {
        var goldenCase = PipelineGoldenCase.Named(caseName);
        var request = goldenCase.ToRequest();
        using var initImage = request.InitImage;
        using var golden = Golden.OpenCase("pipelines", goldenCase.TensorsFile);
        using var expected = golden.Read("images");

        using var run = fixture.Pipeline.Run(request, goldenCase.Seed, null, CancellationToken.None);

        Assert.True(expected.shape.SequenceEqual(run.Images.shape), $"images [{string.Join(",", run.Images.shape)}]");
        double psnr = Psnr(expected, run.Images);
        output.WriteLine($"{caseName}: bf16 images {psnr:F1} dB PSNR against fp32");
        Assert.True(psnr >= MinPsnrDb, $"{caseName}: bf16 images are {psnr:F1} dB from fp32, below {MinPsnrDb} dB");
    }

    /// <summary>10·log10(1 / MSE) for images in [0, 1].</summary>
    internal static double Psnr(torch.Tensor expected, torch.Tensor actual)
    {
        using var scope = torch.NewDisposeScope();
        var difference = expected.to_type(torch.ScalarType.Float64) - actual.to_type(torch.ScalarType.Float64);
        double mse = difference.square().mean().item<double>();
        return 10 * Math.Log10(1 / mse);
    }
}
