using SdWeb.Engine.Pipelines;
using SdWeb.Engine.Pipelines.Components;
using SdWeb.Tests.Pipelines;
using SdWeb.Tests.Support;

namespace SdWeb.Tests.Networks;

/// <summary>tiny-sd on the CPU in fp32 (as <see cref="TinySdPipelineFixture"/>), with its components at hand to inspect the weights.</summary>
public sealed class TinySdWithWeightsFixture : IDisposable
{
    internal StableDiffusionComponents Components { get; }
    internal StableDiffusionPipeline Pipeline { get; }

    public TinySdWithWeightsFixture()
    {
        Components = new PipelineFactory(TinySdPipelineFixture.CpuFloat32).LoadComponents(Golden.TinySdFolder);
        Pipeline = new StableDiffusionPipeline(Components);
    }

    public void Dispose() => Pipeline.Dispose();
}
