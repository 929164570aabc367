using System.Text.Json;
using SdWeb.Engine.Devices;
using SdWeb.Engine.Loading;
using SdWeb.Engine.Loading.Checkpoints;
using SdWeb.Engine.Loading.RandomModels;
using SdWeb.Engine.Loading.SafeTensors;
using SdWeb.Engine.Pipelines;
using SdWeb.Tests.Pipelines;
using SdWeb.Tests.Support;
using TorchSharp;
using Xunit.Abstractions;

namespace SdWeb.Tests.Loading;

/// <summary>
/// The single-file writer against the reference checkpoint diffusers' tools made from the same weights
/// (golden tiny-sd.safetensors and its .yaml): written from the tiny-sd folder, it must be that file again.
/// </summary>
[Layer(Layer.Engine)]
public sealed class SingleFileWriterTests(ITestOutputHelper output)
{
    private static readonly Dictionary<string, string> NoMetadata = [];

    [Fact]
    public void TheGoldenFolderWrittenAsOneFileIsTheGoldenCheckpoint()
    {
        using var dir = new TempDir();
        var path = WriteGoldenFolder(dir, torch.ScalarType.Float32);

        using var written = SafeTensorsFile.Open(path);
        using var golden = SafeTensorsFile.Open(Golden.TinySdCheckpoint);
        Assert.Equal(golden.Tensors.Keys.Order(StringComparer.Ordinal), written.Tensors.Keys.Order(StringComparer.Ordinal));
        foreach (var key in golden.Tensors.Keys)
        {
            Assert.Equal(golden.Tensors[key].DType, written.Tensors[key].DType);
            Assert.Equal(golden.Tensors[key].Shape, written.Tensors[key].Shape);
            using var expected = golden.Read(key);
            using var actual = written.Read(key);
            Assert.True(expected.equal(actual).all().item<bool>(), $"{key} differs from the golden checkpoint's");
        }
        Assert.Empty(written.Metadata); // the standard CLIP tokenizer needs no copy in the file
    }

    [Fact]
    public void TheSingleFileLoaderReadsTheWrittenFileAsItReadsTheGoldenOne()
    {
        using var dir = new TempDir();
        var path = WriteGoldenFolder(dir, torch.ScalarType.Float32);

        using var written = ModelSource.Open(path, ModelPlacement.CpuFloat32);
        using var golden = ModelSource.Open(Golden.TinySdCheckpoint, ModelPlacement.CpuFloat32); // with its tiny-sd.yaml
        Assert.Equal(ModelFormat.SingleFile, written.Format);
        Assert.Equal(Json(golden.UNet.Config), Json(written.UNet.Config));
        Assert.Equal(Json(golden.Vae.Config), Json(written.Vae.Config));
        Assert.Equal(Json(golden.TextEncoder.Config), Json(written.TextEncoder.Config));
        Assert.Equal(golden.Scheduler.Config, written.Scheduler.Config);
        foreach (var (expected, actual) in new[] { (golden.UNet.Weights, written.UNet.Weights), (golden.Vae.Weights, written.Vae.Weights),
                     (golden.TextEncoder.Weights, written.TextEncoder.Weights) })
        {
            Assert.Equal(expected.Names.Order(StringComparer.Ordinal), actual.Names.Order(StringComparer.Ordinal));
            foreach (var name in expected.Names)
            {
                using var e = expected.Read(name, torch.ScalarType.Float32, torch.CPU);
                using var a = actual.Read(name, torch.ScalarType.Float32, torch.CPU);
                Assert.True(e.equal(a).all().item<bool>(), $"{name} is served differently from the golden checkpoint");
            }
        }
    }

    [Fact]
    public void TheWrittenFileGeneratesTheGoldenEulerAncestralCase()
    {
        using var dir = new TempDir();
        var path = WriteGoldenFolder(dir, torch.ScalarType.Float32);
        var goldenCase = PipelineGoldenCase.Named("c_eulera_negative");
        var request = goldenCase.ToRequest();
        using var pipeline = (StableDiffusionPipeline)new PipelineFactory(TinySdPipelineFixture.CpuFloat32).Load(path);
        using var golden = Golden.OpenCase("pipelines", goldenCase.TensorsFile);

        using var run = pipeline.Run(request, goldenCase.Seed, null, CancellationToken.None);

        using var images = golden.Read("images");
        output.WriteLine($"images: max abs error {TensorAssert.Close(images, run.Images, 1e-4, "images"):E2}");
        using var latents = golden.Read("latents_final");
        using var peak = latents.abs().max();
        output.WriteLine($"latents_final: max abs error {TensorAssert.Close(latents, run.LatentsFinal, 1e-4 * peak.item<float>(), "latents_final"):E2}");
    }

    [Theory]
    [InlineData(torch.ScalarType.Float16)]
    [InlineData(torch.ScalarType.BFloat16)]
    public void AHalfPrecisionFileHoldsEachGoldenWeightRounded(torch.ScalarType dtype)
    {
        using var dir = new TempDir();
        var path = WriteGoldenFolder(dir, dtype);

        using var written = SafeTensorsFile.Open(path);
        using var golden = SafeTensorsFile.Open(Golden.TinySdCheckpoint);
        Assert.Equal(golden.Tensors.Count, written.Tensors.Count);
        foreach (var key in golden.Tensors.Keys)
        {
            Assert.Equal(dtype, written.Tensors[key].ScalarType);
            using var expected = golden.Read(key, dtype);
            using var actual = written.Read(key);
            Assert.True(expected.equal(actual).all().item<bool>(), $"{key} is not the golden weight rounded to {dtype}");
        }
        Assert.True(new FileInfo(path).Length < new FileInfo(Golden.TinySdCheckpoint).Length * 0.51);
    }

    [Fact]
    public void AModelsOwnVocabularyTravelsInTheFileAndTheLoaderUsesIt()
    {
        using var dir = new TempDir();
        RandomModelWriter.Write(dir["folder"], RandomModelPreset.Tiny, seed: 3); // a byte-level vocabulary, not CLIP's
        var path = dir["own-vocab.safetensors"];
        using (var folder = ModelSource.Open(dir["folder"], ModelPlacement.CpuFloat32))
            SingleFileWriter.Write(folder, path, torch.ScalarType.Float32, NoMetadata);

        using var single = ModelSource.Open(path, ModelPlacement.CpuFloat32);
        using (var vocab = single.Tokenizer.OpenVocab())
            Assert.Equal(File.ReadAllBytes(Path.Combine(dir["folder"], "tokenizer", "vocab.json")), ReadAll(vocab));
        using (var merges = single.Tokenizer.OpenMerges())
            Assert.Equal(File.ReadAllBytes(Path.Combine(dir["folder"], "tokenizer", "merges.txt")), ReadAll(merges));
    }

    private static string WriteGoldenFolder(TempDir dir, torch.ScalarType dtype)
    {
        var path = dir["tiny-sd.safetensors"];
        using var folder = ModelSource.Open(Golden.TinySdFolder, ModelPlacement.CpuFloat32);
        SingleFileWriter.Write(folder, path, dtype, NoMetadata);
        return path;
    }

    private static string Json(object config) => JsonSerializer.Serialize(config, config.GetType());

    private static byte[] ReadAll(Stream stream)
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
