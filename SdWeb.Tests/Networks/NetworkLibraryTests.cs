using SdWeb.Engine.Loading;
using SdWeb.Engine.Networks;
using SdWeb.Tests.Support;

namespace SdWeb.Tests.Networks;

[Layer(Layer.Engine)]
public sealed class NetworkLibraryTests
{
    [Fact]
    public void ListsLorasAndEmbeddingsWithA1111HashesAndPicksUpNewFiles()
    {
        using var dir = new TempDir();
        var library = NetworkLibrary.InModelsFolder(dir.Path);
        Assert.Empty(library.Loras());

        Directory.CreateDirectory(dir["Lora/styles"]);
        Directory.CreateDirectory(dir["embeddings"]);
        File.Copy(Golden.PathOf("features", "lora", "tiny-detail.safetensors"), dir["Lora/tiny-detail.safetensors"]);
        File.Copy(Golden.PathOf("features", "lora", "tiny-sketch.safetensors"), dir["Lora/styles/tiny-sketch.safetensors"]);
        File.Copy(Golden.PathOf("features", "embeddings", "tiny-style.safetensors"), dir["embeddings/tiny-style.safetensors"]);

        // Hashes from Python's hashlib: the LoRAs' data areas, the embedding's whole file.
        Assert.Equal([("tiny-detail", "e26b84334128"), ("tiny-sketch", "58acd085b2a1")], library.Loras().Select(f => (f.Name, f.ShortHash)));
        Assert.Equal([("tiny-style", "492674a98d54")], library.Embeddings().Select(f => (f.Name, f.ShortHash)));
        var activation = library.Lora("tiny-sketch", 0.5);
        Assert.Equal(dir["Lora/styles/tiny-sketch.safetensors"], activation.Path);
        Assert.Equal(("tiny-sketch", 0.5), (activation.Name, activation.Multiplier));
        Assert.Equal("tiny-style", library.Embedding("tiny-style", 32).Name);
    }

    /// <summary>
    /// Each file says which text-encoder width it was made for, read from its header: the golden tiny LoRAs and
    /// embedding are the tiny model's (its text_encoder/config.json hidden_size); a 768-wide embedding is SD 1.x's.
    /// </summary>
    [Fact]
    public void EachFileKnowsTheTextEncoderWidthItWasMadeFor()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir["Lora"]);
        Directory.CreateDirectory(dir["embeddings"]);
        File.Copy(Golden.PathOf("features", "lora", "tiny-detail.safetensors"), dir["Lora/tiny-detail.safetensors"]);
        File.Copy(Golden.PathOf("features", "embeddings", "tiny-style.safetensors"), dir["embeddings/tiny-style.safetensors"]);
        using (var vectors = TorchSharp.torch.zeros(2, 768))
            Engine.Loading.SafeTensors.SafeTensorsFile.Write(dir["embeddings/sd15-style.safetensors"], new Dictionary<string, TorchSharp.torch.Tensor> { ["emb_params"] = vectors });
        File.WriteAllBytes(dir["embeddings/old.pt"], [0x80, 0x02]);
        int tinyWidth = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(Golden.TinySdFolder, "text_encoder", "config.json")))!["hidden_size"]!.GetValue<int>();
        var library = NetworkLibrary.InModelsFolder(dir.Path);

        Assert.Equal([tinyWidth], library.Loras().Select(f => f.TextWidth));
        Assert.Equal([("old", null), ("sd15-style", 768), ("tiny-style", tinyWidth)], library.Embeddings().Select(f => (f.Name, f.TextWidth)));
        Assert.Equal("SD 1.x", NetworkFile.FamilyOf(768));
    }

    /// <summary>
    /// The Generate page lists the library on every visit and submit: a file is read once per version. A file rewritten
    /// with the same size and write time is not read again (its garbage would list without hash or width); a new write
    /// time is a new version, read afresh.
    /// </summary>
    [Fact]
    public void AListingReadsEachFileOncePerSizeAndWriteTime()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir["Lora"]);
        Directory.CreateDirectory(dir["embeddings"]);
        var lora = dir["Lora/tiny-detail.safetensors"];
        var embedding = dir["embeddings/tiny-style.safetensors"];
        File.Copy(Golden.PathOf("features", "lora", "tiny-detail.safetensors"), lora);
        File.Copy(Golden.PathOf("features", "embeddings", "tiny-style.safetensors"), embedding);
        var library = NetworkLibrary.InModelsFolder(dir.Path);
        var firstLoras = library.Loras().Select(f => (f.ShortHash, f.TextWidth)).ToList();
        var firstEmbeddings = library.Embeddings().Select(f => (f.ShortHash, f.TextWidth)).ToList();
        Assert.All(firstLoras.Concat(firstEmbeddings), f => Assert.True(f.ShortHash.Length > 0 && f.TextWidth is not null));

        foreach (var path in new[] { lora, embedding })
        {
            var written = File.GetLastWriteTimeUtc(path);
            File.WriteAllBytes(path, new byte[new FileInfo(path).Length]);
            File.SetLastWriteTimeUtc(path, written);
        }

        Assert.Equal(firstLoras, library.Loras().Select(f => (f.ShortHash, f.TextWidth)));
        Assert.Equal(firstEmbeddings, library.Embeddings().Select(f => (f.ShortHash, f.TextWidth)));

        File.SetLastWriteTimeUtc(lora, File.GetLastWriteTimeUtc(lora).AddMinutes(1));
        Assert.Equal([("", null)], library.Loras().Select(f => (f.ShortHash, f.TextWidth)));
    }

    [Fact]
    public void AnUnknownNameListsTheAvailableOnes()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir["Lora"]);
        File.Copy(Golden.PathOf("features", "lora", "tiny-detail.safetensors"), dir["Lora/tiny-detail.safetensors"]);
        File.WriteAllBytes(dir["Lora/old.pt"], [0x80, 0x02]);
        var library = NetworkLibrary.InModelsFolder(dir.Path);

        var error = Assert.Throws<ModelLoadException>(() => library.Lora("tiny-detial", 1));
        Assert.Contains("tiny-detial", error.Message);
        Assert.Contains("tiny-detail", error.Message);
        Assert.Contains("old", error.Message);
        Assert.Contains("none", Assert.Throws<ModelLoadException>(() => library.Embedding("x", 32)).Message);
    }

    [Fact]
    public void APromptsLoraTagsBecomeActivationsInOrder()
    {
        var library = new NetworkLibrary(Golden.PathOf("features", "lora"), Golden.PathOf("features", "embeddings"));
        var loras = library.LorasIn("<lora:tiny-sketch:0.25> a cat, <lora:tiny-detail> <hypernet:x:1> (BREAK:1.1)");
        Assert.Equal([("tiny-sketch", 0.25), ("tiny-detail", 1.0)], loras.Select(l => (l.Name, l.Multiplier)));
        Assert.Equal(Golden.PathOf("features", "lora", "tiny-detail.safetensors"), loras[1].Path);
        Assert.Empty(library.LorasIn("a cat"));
        Assert.Contains("the multiplier must be a number", Assert.Throws<ModelLoadException>(() => library.LorasIn("<lora:tiny-detail:strong>")).Message);
    }

    [Fact]
    public void TheEmbeddingsUsedAreThoseWhoseTriggerATextContains()
    {
        var library = new NetworkLibrary(Golden.PathOf("features", "lora"), Golden.PathOf("features", "embeddings"));
        Assert.Equal([Golden.PathOf("features", "embeddings", "tiny-style.safetensors")], library.EmbeddingsUsedBy(["a cat", "tiny-style, blurry"]));
        Assert.Empty(library.EmbeddingsUsedBy(["a cat", "tiny style"]));
    }
}
