using SdWeb.Engine.Pipelines;
using SdWeb.Engine.Pipelines.Components;
using SdWeb.Tests.Support;
using TorchSharp;

namespace SdWeb.Tests.Pipelines;

/// <summary>Progress, cancellation and failure handling of the pipeline, on the tiny model.</summary>
[Layer(Layer.Engine)]
public sealed class PipelineRuntimeTests(TinySdPipelineFixture fixture) : IClassFixture<TinySdPipelineFixture>
{
    private static readonly GenerationRequest Small = new()
    {
        Prompts = ["a photograph of an astronaut riding a horse"], Sampler = "euler_a", Steps = 6, Width = 64, Height = 64, Seed = 3,
    };

    [Fact]
    public void ReportsEveryStepWithACheapPreviewAndFullDecodesWhenAsked()
    {
        var reports = new List<StepProgress>();
        using var result = fixture.Pipeline.Generate(Small with { FullPreviewEvery = 3 }, new ListProgress(reports), CancellationToken.None);

        Assert.Equal([1, 2, 3, 4, 5, 6], reports.Select(r => r.Step));
        Assert.All(reports, r => Assert.Equal(6, r.TotalSteps));
        Assert.Equal(TimeSpan.Zero, reports[^1].Eta);
        Assert.True(reports.Zip(reports.Skip(1)).All(p => p.First.Elapsed <= p.Second.Elapsed));
        foreach (var r in reports)
        {
            bool full = r.Step % 3 == 0;
            Assert.Equal(full, r.Preview!.IsFullDecode);
            Assert.Equal(full ? (64, 64) : (8, 8), (r.Preview.Width, r.Preview.Height));
            Assert.Equal(r.Preview.Width * r.Preview.Height * 3, r.Preview.Rgb.Length);
        }
    }

    [Fact]
    public void StepsWithinTheMinimumPreviewIntervalReportProgressWithoutAPreview()
    {
        var reports = new List<StepProgress>();
        using var result = fixture.Pipeline.Generate(Small with { MinPreviewInterval = TimeSpan.FromHours(1) }, new ListProgress(reports),
            CancellationToken.None);

        Assert.Equal([1, 2, 3, 4, 5, 6], reports.Select(r => r.Step));
        Assert.NotNull(reports[0].Preview);
        Assert.All(reports.Skip(1), r => Assert.Null(r.Preview));
    }

    [Fact]
    public void ResultRecordsEveryReproductionParameterAndARandomSeedWhenNoneIsGiven()
    {
        using var result = fixture.Pipeline.Generate(Small with { Seed = null, Steps = 1 }, null, CancellationToken.None);
        var p = result.Parameters;
        Assert.InRange(p.Seed, 0, uint.MaxValue);
        Assert.Equal(("tiny-sd", "euler_a", 1, 7.5, 64, 64, 1, (double?)null), (p.ModelName, p.Sampler, p.Steps, p.CfgScale, p.Width, p.Height, p.ImagesPerPrompt, p.Strength));
        Assert.Equal(("fp32", "cpu"), (p.DType, p.Device));
        Assert.Matches("^[0-9a-f]{10}$", p.ModelHash);
        Assert.False(string.IsNullOrEmpty(p.EngineVersion));

        // The recorded seed reproduces the image.
        using var again = fixture.Pipeline.Run(Small with { Steps = 1 }, p.Seed, null, CancellationToken.None);
        using var first = fixture.Pipeline.Run(Small with { Steps = 1, Seed = p.Seed }, p.Seed, null, CancellationToken.None);
        Assert.True(again.Images.allclose(first.Images, 0, 0));
    }

    [Fact]
    public void CancelledMidRunThenAFullRunGivesWhatAFreshPipelineGives()
    {
        using var cts = new CancellationTokenSource();
        var cancelAtThree = new ListProgress([], r => { if (r.Step == 3) cts.Cancel(); });
        Assert.Throws<OperationCanceledException>(() => fixture.Pipeline.Generate(Small, cancelAtThree, cts.Token));

        using var afterCancel = fixture.Pipeline.Run(Small, 3, null, CancellationToken.None);
        using var fresh = (StableDiffusionPipeline)new Engine.Pipelines.PipelineFactory(TinySdPipelineFixture.CpuFloat32).Load(Golden.TinySdFolder);
        using var expected = fresh.Run(Small, 3, null, CancellationToken.None);
        Assert.True(expected.Images.allclose(afterCancel.Images, 0, 0), "the images after a cancelled run differ from a fresh pipeline's");
    }

    [Fact]
    public void NonFiniteUNetOutputFailsWithAClearMessage()
    {
        using var pipeline = WithComponents(c => c with { Unet = new NaNNoise() });
        var e = Assert.Throws<GenerationFailedException>(() => pipeline.Generate(Small, null, CancellationToken.None));
        Assert.Equal("The UNet produced NaN or infinite values while sampling (a known fp16 overflow of some models). Try fp32 or bf16.", e.Message);
    }

    [Fact]
    public void NonFiniteHalfPrecisionDecodeIsRetriedInFloat32()
    {
        OverflowingHalfVae? vae = null;
        using var pipeline = WithComponents(c => c with { Vae = vae = new OverflowingHalfVae(c.Vae, recoversInFloat32: true) });
        using var run = pipeline.Run(Small, 3, null, CancellationToken.None);
        Assert.True(vae!.Upcast);
        using var finite = torch.isfinite(run.Images).all();
        Assert.True(finite.item<bool>());
        using var expected = fixture.Pipeline.Run(Small, 3, null, CancellationToken.None);
        Assert.True(expected.Images.allclose(run.Images, 0, 0));
    }

    [Fact]
    public void DecodeStillNonFiniteInFloat32FailsWithAClearMessage()
    {
        using var pipeline = WithComponents(c => c with { Vae = new OverflowingHalfVae(c.Vae, recoversInFloat32: false) });
        var e = Assert.Throws<GenerationFailedException>(() => pipeline.Generate(Small, null, CancellationToken.None));
        Assert.Equal("The VAE decoded NaN or infinite values, even in fp32. The latents are out of range: try another seed, sampler or a lower CFG scale.", e.Message);
    }

    [Fact]
    public void OutOfMemoryFromTorchIsExplained()
    {
        using var pipeline = WithComponents(c => c with { Unet = new HugeAllocation() });
        var e = Assert.Throws<GenerationFailedException>(() => pipeline.Generate(Small, null, CancellationToken.None));
        Assert.Equal("Out of memory on cpu while generating. Make the image smaller, generate fewer images at once, " +
                     "or use a lower precision (fp16 on a GPU, bf16 on a CPU).", e.Message);
        Assert.NotNull(e.InnerException);
    }

    [Fact]
    public void InvalidRequestsThrowArgumentExceptionWithTheMessages()
    {
        var e = Assert.Throws<ArgumentException>(() => fixture.Pipeline.Generate(Small with { Sampler = "nope", Steps = 0 }, null, CancellationToken.None));
        Assert.Contains("Unknown sampler 'nope'.", e.Message);
        Assert.Contains("Steps must be between 1 and 1000, not 0.", e.Message);
    }

    [Fact]
    public void CountsPromptTokensWithoutTruncation()
    {
        Assert.Equal(8, fixture.Pipeline.CountTokens("a photograph of an astronaut riding a horse"));
        Assert.Equal(100, fixture.Pipeline.CountTokens(string.Join(" ", Enumerable.Repeat("horse", 100))));
    }

    [Fact]
    public void RecentPromptEncodingsAreReusedAndNeverMixedUp()
    {
        var factory = new Engine.Pipelines.PipelineFactory(TinySdPipelineFixture.CpuFloat32);
        var prompts = Enumerable.Range(0, 12).Select(i => $"a fox number {i}").Append("").ToList();
        var cached = factory.LoadComponents(Golden.TinySdFolder);
        using var owner = cached.Owner;
        foreach (var prompt in prompts) cached.TextEncoder.Encode([prompt]).Dispose(); // more prompts than it keeps
        var fresh = factory.LoadComponents(Golden.TinySdFolder);
        using var freshOwner = fresh.Owner;

        // Recent ("" and "a fox number 11"), evicted ("a fox number 0") and repeated prompts, in one batch.
        string[] batch = ["", "a fox number 0", "a fox number 11", ""];
        using var again = cached.TextEncoder.Encode(batch);
        using var expected = torch.cat(batch.Select(p => fresh.TextEncoder.Encode([p])).ToArray());

        Assert.Equal([4, 77, 32], again.shape);
        Assert.True(expected.equal(again).all().item<bool>(), "a cached encoding differs from a fresh one");
    }

    private static StableDiffusionPipeline WithComponents(Func<StableDiffusionComponents, StableDiffusionComponents> change) =>
        new(change(new Engine.Pipelines.PipelineFactory(TinySdPipelineFixture.CpuFloat32).LoadComponents(Golden.TinySdFolder)));

    private sealed class ListProgress(List<StepProgress> reports, Action<StepProgress>? onReport = null) : IProgress<StepProgress>
    {
        public void Report(StepProgress value)
        {
            reports.Add(value);
            onReport?.Invoke(value);
        }
    }

    private sealed class NaNNoise : INoisePredictor
    {
        public torch.Tensor PredictNoise(torch.Tensor sample, torch.Tensor timestep, torch.Tensor encoderHiddenStates) =>
            torch.full_like(sample, float.NaN);
    }

    private sealed class HugeAllocation : INoisePredictor
    {
        public torch.Tensor PredictNoise(torch.Tensor sample, torch.Tensor timestep, torch.Tensor encoderHiddenStates) =>
            torch.empty([1L << 50], dtype: torch.ScalarType.Float32);
    }

    /// <summary>A VAE that claims fp16 and decodes to inf until upcast, like SD's VAE overflowing in half precision.</summary>
    private sealed class OverflowingHalfVae(ILatentAutoencoder real, bool recoversInFloat32) : ILatentAutoencoder
    {
        public bool Upcast { get; private set; }
        public double ScalingFactor => real.ScalingFactor;
        public torch.ScalarType DType => Upcast ? torch.ScalarType.Float32 : torch.ScalarType.Float16;
        public torch.Tensor EncodeSample(torch.Tensor image, torch.Generator generator) => real.EncodeSample(image, generator);
        public void UpcastToFloat32() => Upcast = true;

        public torch.Tensor Decode(torch.Tensor latents)
        {
            using var decoded = real.Decode(latents.to(torch.ScalarType.Float32));
            return Upcast && recoversInFloat32 ? decoded.clone() : decoded * float.PositiveInfinity;
        }
    }
}
