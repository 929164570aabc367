using SdWeb.Engine.Imaging;
using SdWeb.Engine.Loading;
using SdWeb.Engine.Networks;
using SdWeb.Engine.Pipelines;
using SdWeb.Tests.Features;
using SdWeb.Tests.Pipelines;
using SdWeb.Tests.Support;
using TorchSharp;
using Xunit.Abstractions;

namespace SdWeb.Tests.Networks;

/// <summary>
/// LoRA and diffusers-syntax textual-inversion cases of features/cases.json through the engine's pipeline. lora_07/lora_10 were made with diffusers' run-time
/// LoRA; merging into the weights differs from it by up to 1.6e-4 on the final latents (the README's measurement),
/// which is within 1e-4 of their largest magnitude.
/// </summary>
[Layer(Layer.Engine)]
public sealed class NetworkPipelineGoldenTests(TinySdWithWeightsFixture fixture, ITestOutputHelper output) : IClassFixture<TinySdWithWeightsFixture>
{
    [Theory]
    [InlineData("lora_07")]
    [InlineData("lora_10")]
    [InlineData("lora_two_merged")]
    [InlineData("ti_tiny_style")]
    public void MatchesTheGolden(string caseName)
    {
        var goldenCase = FeatureCase.Named(caseName);
        var request = goldenCase.ToRequest();
        using var golden = Golden.OpenCase("features", goldenCase.TensorsFile);
        using var run = fixture.Pipeline.Run(request, goldenCase.Seed, null, CancellationToken.None);

        using (var embeds = golden.Read("prompt_embeds"))
            Report("prompt_embeds", TensorAssert.Close(embeds, run.PromptEmbeds, 1e-5, "prompt_embeds"));
        using (var latents = golden.Read("latents_final"))
        {
            using var peak = latents.abs().max();
            var relative = TensorAssert.Close(latents, run.LatentsFinal, 1e-4 * peak.item<float>(), "latents_final") / peak.item<float>();
            Report("latents_final (relative to max)", relative);
        }
        using (var images = golden.Read("images"))
            Report("images", TensorAssert.Close(images, run.Images, 1e-4, "images"));

        var result = fixture.Pipeline.ToResult(run, request, goldenCase.Seed, TimeSpan.Zero);
        // A1111's infotext; the hashes are Python hashlib's of the golden files (LoRA: the data after the header).
        Assert.Contains(caseName switch
        {
            "lora_two_merged" => "Lora hashes: \"tiny-detail: e26b84334128, tiny-sketch: 58acd085b2a1\"",
            "ti_tiny_style" => "TI hashes: \"tiny-style: 492674a98d54\"",
            _ => "Lora hashes: \"tiny-detail: e26b84334128\"",
        }, A1111ParametersText.Format(result.Images[0], result.Parameters, batchSize: 1));
        using var dir = new TempDir();
        var written = GenerationPngs.Write(result, dir.Path);
        var (maxLevel, offFraction) = PipelineGoldenTests.ComparePng(Golden.PathOf("features", goldenCase.PngFile), written[0]);
        output.WriteLine($"{caseName} png: max level diff {maxLevel}, pixels off by >1: {offFraction:P3}");
        Assert.True(offFraction <= 0.001, $"{offFraction:P3} of the pixels differ by more than one level (max {maxLevel})");
        foreach (var image in result.Images) image.Image.Dispose();
    }

    [Fact]
    public void AJobAfterALoraJobGivesThePixelsAndWeightsOfBefore()
    {
        var withLora = FeatureCase.Named("lora_two_merged").ToRequest();
        var plain = withLora with { Loras = [] };
        var before = SnapshotWeights();

        var first = Pixels(plain);
        var lora = Pixels(withLora);
        AssertWeightsEqual(before);
        var third = Pixels(plain);

        Assert.NotEqual(first, lora);
        Assert.Equal(first, third);
        AssertWeightsEqual(before);
        foreach (var (_, copy) in before) copy.Dispose();
    }

    [Fact]
    public void ACancelledLoraJobRestoresTheWeights()
    {
        var request = FeatureCase.Named("lora_10").ToRequest();
        var before = SnapshotWeights();
        using var cancel = new CancellationTokenSource();
        var progress = new SynchronousProgress(_ => cancel.Cancel());
        Assert.ThrowsAny<OperationCanceledException>(() => fixture.Pipeline.Run(request, 3, progress, cancel.Token));
        AssertWeightsEqual(before);
        foreach (var (_, copy) in before) copy.Dispose();
    }

    [Fact]
    public void ALoraThatDoesNotFitIsRefusedNamingTheFileAndLayerAndChangesNothing()
    {
        using var dir = new TempDir();
        var path = dir["wide.safetensors"];
        // The sketch LoRA's first layer widened to 48 inputs: a LoRA made for another model.
        using (var source = Golden.OpenCase("features", "lora", "tiny-sketch.safetensors"))
        {
            var tensors = source.Tensors.Keys.ToDictionary(k => k, k => source.Read(k));
            const string first = "lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_k.lora_down.weight";
            tensors[first] = torch.zeros(2, 48);
            Engine.Loading.SafeTensors.SafeTensorsFile.Write(path, tensors);
        }
        var before = SnapshotWeights();
        var request = FeatureCase.Named("lora_10").ToRequest() with
        {
            Loras = [new NetworkActivation("tiny-detail", FeatureCase.Named("lora_10").Loras[0].Path, 1.0), new NetworkActivation("wide", path, 1.0)],
        };
        var error = Assert.Throws<ModelLoadException>(() => fixture.Pipeline.Run(request, 3, null, CancellationToken.None));
        Assert.Contains(path, error.Message);
        Assert.Contains("lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_k", error.Message);
        Assert.Contains("does not fit", error.Message);
        AssertWeightsEqual(before);
        foreach (var (_, copy) in before) copy.Dispose();
    }

    private byte[] Pixels(GenerationRequest request)
    {
        using var run = fixture.Pipeline.Run(request, request.Seed!.Value, null, CancellationToken.None);
        return run.Images.mul(255).round().to(torch.ScalarType.Byte).data<byte>().ToArray();
    }

    private List<(torch.Tensor Weight, torch.Tensor Copy)> SnapshotWeights() =>
        fixture.Components.LoraTargets!.Weights.Select(w => (w.Weight, w.Weight.clone())).ToList();

    private static void AssertWeightsEqual(List<(torch.Tensor Weight, torch.Tensor Copy)> before)
    {
        Assert.NotEmpty(before);
        foreach (var (weight, copy) in before)
            Assert.True(weight.bytes.SequenceEqual(copy.bytes), "a weight differs from its value before the LoRA job");
    }

    private void Report(string what, double value) => output.WriteLine($"{what}: max diff {value:E3}");

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class SynchronousProgress(Action<StepProgress> report) : IProgress<StepProgress>
    {
        public void Report(StepProgress value) => report(value);
    }
}
