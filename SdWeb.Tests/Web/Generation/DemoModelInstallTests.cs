using Microsoft.Extensions.Logging;
using SdWeb.Engine.Devices;
using SdWeb.Engine.Loading;
using SdWeb.Engine.Loading.RandomModels;
using SdWeb.Engine.Loading.SafeTensors;
using SdWeb.Engine.Training;
using SdWeb.Generation;
using SdWeb.Options;
using SdWeb.Tests.Support;

namespace SdWeb.Tests.Web.Generation;

/// <summary>
/// The first run's choice: the trained demo model when the app ships one (a `models pack-demo` package in
/// DemoModelDir), else random weights; and a random demo from an earlier run is replaced once a trained one ships.
/// </summary>
[Layer(Layer.Web)]
public sealed class DemoModelInstallTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly RecordingLogger _log = new();

    private SdWebOptions Options => new() { DataDir = _dir["data"], ModelsDir = _dir["models"], DemoModelDir = _dir["shipped"] };

    private string Installed => Path.Combine(Options.ModelsPath, DemoModel.Name);

    [Fact]
    public void AShippedModelIsInstalledListedAndLoadable()
    {
        Ship();

        Install();

        var library = new ModelLibrary(Options);
        Assert.Equal([DemoModel.Name], library.Names());
        Assert.True(library.IsDemoOnly);
        Assert.True(library.IsDemoTrained);
        Assert.Equal(File.ReadAllBytes(Path.Combine(_dir["shipped"], "model", "unet", "diffusion_pytorch_model.safetensors")),
            File.ReadAllBytes(Path.Combine(Installed, "unet", "diffusion_pytorch_model.safetensors")));
        Assert.True(File.Exists(Path.Combine(Installed, DemoModelTraining.ManifestFileName)));
        Assert.Empty(Directory.GetDirectories(Options.ModelsPath, ".*"));
        Assert.Equal(ModelFormat.DiffusersFolder, Assert.Single(ModelCatalog.Discover(Options.ModelsPath)).Format);
        using (var loaded = ModelSource.Open(Installed, ModelPlacement.CpuFloat32))
            Assert.Equal(ModelFormat.DiffusersFolder, loaded.Format);
        Assert.Contains(_log.Lines, l => l.StartsWith("Installing the trained demo model from " + Options.DemoModelPath, StringComparison.Ordinal));
    }

    [Fact]
    public void WithoutAShippedModelTheRandomOneIsTheFallback()
    {
        Directory.CreateDirectory(Path.Combine(_dir["shipped"], "model")); // an empty package: nothing to install

        Install();

        var library = new ModelLibrary(Options);
        Assert.Equal([DemoModel.Name], library.Names());
        Assert.False(library.IsDemoTrained);
        Assert.Contains("random tiny model, seed 1", Metadata());
        Assert.Contains(_log.Lines, l => l.Contains("creating the tiny demo model with random weights", StringComparison.Ordinal));
    }

    [Fact]
    public void ARandomDemoFromAnEarlierRunIsReplacedByTheShippedOneButARealModelIsLeftAlone()
    {
        Install(); // no package yet: random
        Assert.False(new ModelLibrary(Options).IsDemoTrained);
        Ship();

        Install();

        Assert.True(new ModelLibrary(Options).IsDemoTrained);
        Assert.Equal([DemoModel.Name], new ModelLibrary(Options).Names());

        // With a model of the user's there, nothing is installed.
        using var other = new TempDir();
        var options = Options with { ModelsDir = other["models"] };
        Directory.CreateDirectory(options.ModelsPath);
        File.Copy(Golden.TinySdCheckpoint, Path.Combine(options.ModelsPath, "mine.safetensors"));
        new DemoModel(options, _log).EnsureAnyModel();
        Assert.Equal(["mine.safetensors"], new ModelLibrary(options).Names());
    }

    public void Dispose() => _dir.Dispose();

    private void Install() => new DemoModel(Options, _log).EnsureAnyModel();

    /// <summary>A package as `models pack-demo` lays it out, with a distinct random model standing in for the trained one.</summary>
    private void Ship()
    {
        RandomModelWriter.Write(Path.Combine(_dir["shipped"], "model"), RandomModelPreset.Tiny, seed: 42);
        File.WriteAllText(Path.Combine(_dir["shipped"], DemoModelTraining.ManifestFileName), """{ "precision": "fp16" }""");
    }

    private string Metadata()
    {
        using var file = SafeTensorsFile.Open(Path.Combine(Installed, "unet", "diffusion_pytorch_model.safetensors"));
        return string.Join(";", file.Metadata.Values);
    }

    private sealed class RecordingLogger : ILogger<DemoModel>
    {
        public List<string> Lines { get; } = [];
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Add(formatter(state, exception));
    }
}
