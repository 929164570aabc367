using SdWeb.Engine.Pipelines;
using SdWeb.Engine.Pipelines.Hires;
using SdWeb.Tests.Pipelines;

namespace SdWeb.Tests.Features;

/// <summary>The hires upscalers the goldens do not cover: each gives the target size, and differs from the others.</summary>
[Layer(Layer.Engine)]
public sealed class HiresUpscalerTests(TinySdPipelineFixture fixture) : IClassFixture<TinySdPipelineFixture>
{
    [Fact]
    public void EveryUpscalerReachesTheTargetSize()
    {
        var request = new GenerationRequest { Prompts = ["a castle"], Sampler = "euler", Steps = 3, Seed = 8, Width = 64, Height = 64 };
        var images = Enum.GetValues<HiresUpscaler>().Select(upscaler =>
        {
            var hires = new HiresFix { Upscaler = upscaler, Scale = 1.5, Steps = 2, Denoise = 0.5 };
            using var run = fixture.Pipeline.Run(request with { Hires = hires }, 8, null, CancellationToken.None);
            Assert.Equal([1L, 4, 12, 12], run.LatentsFinal.shape);
            Assert.Equal([1L, 96, 96, 3], run.Images.shape);
            Assert.Equal(2, run.Timesteps.shape[0]); // int(int(2 / 0.5) · 0.5)
            return run.Images.data<float>().ToArray();
        }).ToList();
        Assert.Equal(3, images.Count);
        Assert.NotEqual(images[0], images[1]);
        Assert.NotEqual(images[0], images[2]);
    }
}
