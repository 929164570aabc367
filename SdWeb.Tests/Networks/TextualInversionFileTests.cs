using SdWeb.Engine.Loading;
using SdWeb.Engine.Loading.SafeTensors;
using SdWeb.Engine.Networks;
using SdWeb.Tests.Support;
using TorchSharp;

namespace SdWeb.Tests.Networks;

[Layer(Layer.Engine)]
public sealed class TextualInversionFileTests
{
    private static string TinyStyle => Golden.PathOf("features", "embeddings", "tiny-style.safetensors");

    [Fact]
    public void AnA1111EmbeddingIsItsFileNameAndVectors()
    {
        var embedding = TextualInversionFile.Read(TinyStyle, hiddenSize: 32);
        using var vectors = embedding.Vectors;
        using var golden = Golden.OpenCase("features", "ti_weighted_a1111.safetensors");
        using var expected = golden.Read("embedding_vectors");
        Assert.Equal("tiny-style", embedding.Name);
        TensorAssert.Close(expected, vectors, 0, "vectors");
        Assert.Equal(torch.ScalarType.Float32, vectors.dtype);
        // hashlib.sha256 of the whole file, first 12 digits (A1111's "TI hashes").
        Assert.Equal("492674a98d54", embedding.Hash);
    }

    [Fact]
    public void ADiffusersTokenFileAndASingleVectorAreReadAsTheyAre()
    {
        using var dir = new TempDir();
        using var two = torch.randn(2, 32);
        using var one = torch.randn(32);
        SafeTensorsFile.Write(dir["diffusers-style.safetensors"], new Dictionary<string, torch.Tensor> { ["<my-token>"] = two });
        SafeTensorsFile.Write(dir["one.safetensors"], new Dictionary<string, torch.Tensor> { ["emb_params"] = one });

        var diffusers = TextualInversionFile.Read(dir["diffusers-style.safetensors"], 32);
        Assert.Equal("diffusers-style", diffusers.Name);
        TensorAssert.Close(two, diffusers.Vectors, 0, "diffusers vectors");
        var single = TextualInversionFile.Read(dir["one.safetensors"], 32);
        TensorAssert.Close(one.unsqueeze(0), single.Vectors, 0, "single vector");
    }

    [Fact]
    public void AnEmbeddingForAnotherWidthIsRefusedNamingTheFile()
    {
        var error = Assert.Throws<ModelLoadException>(() => TextualInversionFile.Read(TinyStyle, hiddenSize: 768));
        Assert.Contains(TinyStyle, error.Message);
        Assert.Contains("768", error.Message);
    }

    [Theory]
    [InlineData("style.pt")]
    [InlineData("learned_embeds.bin")]
    public void PickledEmbeddingsAreRefusedWithHowToConvert(string name)
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir[name], [0x80, 0x02]);
        var error = Assert.Throws<ModelLoadException>(() => TextualInversionFile.Read(dir[name], 32));
        Assert.Contains("pickle", error.Message);
        Assert.Contains("st.save_file", error.Message);
    }

    [Fact]
    public void AFileOfSeveralTensorsIsNotAnEmbedding()
    {
        using var dir = new TempDir();
        using var a = torch.zeros(2, 32);
        using var b = torch.zeros(2, 32);
        SafeTensorsFile.Write(dir["two.safetensors"], new Dictionary<string, torch.Tensor> { ["a"] = a, ["b"] = b });
        Assert.Contains("not a textual-inversion embedding",
            Assert.Throws<ModelLoadException>(() => TextualInversionFile.Read(dir["two.safetensors"], 32)).Message);
    }
}
