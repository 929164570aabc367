using Microsoft.Extensions.Logging.Abstractions;
using SdWeb.Engine.Loading;
using SdWeb.Engine.Tokenization;
using SdWeb.Generation;
using SdWeb.Options;
using SdWeb.Tests.Support;

namespace SdWeb.Tests.Web.Generation;

[Layer(Layer.Web)]
public sealed class ModelLibraryTests : IDisposable
{
    private readonly TempDir _dir = new();

    // No shipped demo model here: these tests are about the random fallback (DemoModelInstallTests has the shipped one).
    private SdWebOptions Options => new() { DataDir = _dir["data"], ModelsDir = _dir["models"], DemoModelDir = _dir["no-shipped-demo"] };

    private void CreateDemo() => new DemoModel(Options, NullLogger<DemoModel>.Instance).EnsureAnyModel();

    [Fact]
    public void OnFirstRunTheDemoModelIsCreatedOnceAndIsTheOnlyChoice()
    {
        CreateDemo();
        var demoFolder = Path.Combine(Options.ModelsPath, DemoModel.Name);
        var written = Directory.GetLastWriteTimeUtc(Path.Combine(demoFolder, "model_index.json"));

        CreateDemo(); // a second start changes nothing

        Assert.Equal(written, Directory.GetLastWriteTimeUtc(Path.Combine(demoFolder, "model_index.json")));
        var library = new ModelLibrary(Options);
        Assert.Equal([DemoModel.Name], library.Names());
        Assert.True(library.IsDemoOnly);
        Assert.False(library.IsDemoTrained);
        Assert.Equal(demoFolder, library.ResolvePath(DemoModel.Name));
        Assert.Empty(Directory.GetDirectories(Options.ModelsPath, ".*")); // no partial folder left
        // Its tokenizer loads, so the form can count tokens for it.
        Assert.True(ClipTokenizer.FromFolder(Path.Combine(demoFolder, "tokenizer")).Tokenize("a cat").PromptTokenCount > 0);
    }

    [Fact]
    public void NoDemoIsMadeWhenAModelIsThereAndARealModelIsPreferredOverTheDemo()
    {
        Directory.CreateDirectory(Options.ModelsPath);
        File.WriteAllBytes(Path.Combine(Options.ModelsPath, "v1-5-pruned.safetensors"), []);
        CreateDemo();
        Assert.Equal(["v1-5-pruned.safetensors"], new ModelLibrary(Options).Names());

        Directory.CreateDirectory(Path.Combine(Options.ModelsPath, DemoModel.Name));
        File.WriteAllText(Path.Combine(Options.ModelsPath, DemoModel.Name, "model_index.json"), "{}");
        var library = new ModelLibrary(Options);
        Assert.Equal("v1-5-pruned.safetensors", library.DefaultModel);
        Assert.False(library.IsDemoOnly);
    }

    [Fact]
    public void UnknownNamesAndPathsOutsideTheModelsFolderAreRefusedWithAReason()
    {
        Directory.CreateDirectory(Options.ModelsPath);
        var library = new ModelLibrary(Options);

        var unknown = Assert.Throws<ModelLoadException>(() => library.ResolvePath("sd15.safetensors"));
        Assert.Equal($"No model named 'sd15.safetensors' in {Options.ModelsPath}. Put a diffusers folder or a .safetensors file there, then pick it by name.",
            unknown.Message);
        var outside = Assert.Throws<ModelLoadException>(() => library.ResolvePath("../data/sdweb.db"));
        Assert.Contains("points outside the models folder", outside.Message);
    }

    public void Dispose() => _dir.Dispose();
}
