using SdWeb.Engine.Devices;
using SdWeb.Engine.Kernels;
using SdWeb.Engine.Models.Layers;
using SdWeb.Engine.Pipelines;
using SdWeb.Engine.Pipelines.Components;
using SdWeb.Tests.Models;
using SdWeb.Tests.Support;
using static TorchSharp.torch;

namespace SdWeb.Tests.Pipelines;

/// <summary>
/// A request's kernels (a reproduction asks for the original's): selected in the models for one run, set back afterwards,
/// and what ran is recorded. The reference for libtorch's convolutions is the same decode recording gradients, where
/// Winograd never runs.
/// </summary>
[Layer(Layer.Engine)]
public sealed class KernelSelectionTests
{
    private static readonly GenerationRequest Small = new()
    {
        Prompts = ["a lighthouse"], Sampler = "euler", Steps = 3, Width = 64, Height = 64, Seed = 5,
    };

    [Fact]
    public void ASelectionRunsLibtorchsConvolutionsBitForBitThenSetsTheModelBack()
    {
        using var vae = VaeTilingTests.RandomSd15Vae(seed: 13); // Winograd where it applies
        using var rebuilt = VaeTilingTests.RandomSd15Vae(seed: 13);
        using var random = new SeededRandom(13);
        // 32² latents: the 512-channel blocks at 64² and the 256-channel ones at 128² take Winograd.
        using var latents = random.Randn(1, 4, 32, 32) * 5.5;
        var before = KernelUse.Now();
        using var winograd = vae.Decode(latents);
        Assert.Equal(new KernelChoice(WinogradLoads, Bf16Attention: false), KernelUse.Since(before));
        using var direct = vae.DecodeRecordingGradients(latents);
        if (WinogradLoads) Assert.NotEqual(0, MaxDifference(winograd, direct.detach())); // else the test could not tell them apart

        var own = ModelPlacement.CpuFloat32;
        using (KernelSelection.For(() => [vae], own, own with { LibtorchConvolutions = true }))
        {
            var during = KernelUse.Now();
            using var selected = vae.Decode(latents);
            Assert.Equal(0, MaxDifference(selected, direct.detach()));
            // A model rebuilt during the run (the VAE's fp32 upcast) takes the run's kernels over.
            KernelSelection.Copy(vae, rebuilt);
            using var ofRebuilt = rebuilt.Decode(latents);
            Assert.Equal(0, MaxDifference(ofRebuilt, direct.detach()));
            Assert.Equal(KernelChoice.Libtorch, KernelUse.Since(during));
        }
        using var after = vae.Decode(latents);
        Assert.Equal(0, MaxDifference(after, winograd));
    }

    [Fact]
    public void Bf16AttentionRunsWhereTheCpuHasItAndNotWhenLibtorchsIsSelected()
    {
        var own = ModelPlacement.CpuBFloat16Compute;
        using var attention = new Engine.Models.Layers.Attention(320, null, heads: 8, dimHead: 40, bias: false, own);
        using var noGrad = no_grad();
        using var tokens = randn(2, 256, 320, dtype: ScalarType.BFloat16);

        var before = KernelUse.Now();
        attention.forward(tokens, null).Dispose();
        Assert.Equal(new KernelChoice(Winograd: false, Bf16FlashAttention.IsAvailable), KernelUse.Since(before));

        using (KernelSelection.For(() => [attention], own, KernelSelection.Allowing(own, KernelChoice.Libtorch)))
        {
            var during = KernelUse.Now();
            attention.forward(tokens, null).Dispose();
            Assert.Equal(KernelChoice.Libtorch, KernelUse.Since(during));
        }
    }

    [Fact]
    public void ARequestsKernelsReplaceThePlacementsOwnAndNoneKeepsThem()
    {
        var own = ModelPlacement.CpuFloat32 with { LibtorchConvolutions = true };
        Assert.Same(own, KernelSelection.Allowing(own, null));
        Assert.Equal(ModelPlacement.CpuFloat32, KernelSelection.Allowing(own, new KernelChoice(Winograd: true, Bf16Attention: true)));
        Assert.Equal(own with { LibtorchAttention = true }, KernelSelection.Allowing(ModelPlacement.CpuFloat32, KernelChoice.Libtorch));
    }

    [Fact]
    public void NoSelectionIsMadeForTheModelsOwnKernels() =>
        Assert.Null(KernelSelection.For(() => throw new InvalidOperationException("the models were asked for"), ModelPlacement.CpuFloat32, ModelPlacement.CpuFloat32));

    [Fact]
    public void AGenerationRunsTheRequestsKernelsAndLeavesTheModelsOwn()
    {
        var components = new PipelineFactory(TinySdPipelineFixture.CpuFloat32).LoadComponents(Golden.TinySdFolder);
        using var pipeline = new StableDiffusionPipeline(components);
        var own = components.Placement;
        Assert.False(own.LibtorchConvolutions);
        var during = new List<ModelPlacement>();

        using var asked = pipeline.Generate(Small with { Kernels = KernelChoice.Libtorch },
            new InlineProgress(_ => during.AddRange(SelectedBy(components))), CancellationToken.None);
        using var plain = pipeline.Generate(Small, null, CancellationToken.None);

        Assert.NotEmpty(during);
        Assert.All(during, p => Assert.Equal(own with { LibtorchConvolutions = true, LibtorchAttention = true }, p));
        Assert.All(SelectedBy(components), p => Assert.Equal(own, p));
        Assert.Equal(KernelChoice.Libtorch, asked.Parameters.Kernels);
        // What ran, not what was allowed: tiny-sd's layers are all narrower than Winograd's 256 channels.
        Assert.Equal(KernelChoice.Libtorch, plain.Parameters.Kernels);
    }

    private static bool WinogradLoads => WinogradF43.WhyUnavailable is null;

    private static List<ModelPlacement> SelectedBy(StableDiffusionComponents components) =>
        [.. components.UNetAndVae!().SelectMany(m => m.modules().OfType<IKernelSelectable>()).Select(l => l.KernelsSelectedBy)];

    private static float MaxDifference(Tensor a, Tensor b)
    {
        using var max = (a - b).abs().max();
        return max.item<float>();
    }

    /// <summary>Reports on the sampling thread, while the run's kernels are selected.</summary>
    private sealed class InlineProgress(Action<StepProgress> report) : IProgress<StepProgress>
    {
        public void Report(StepProgress value) => report(value);
    }
}
