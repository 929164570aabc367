using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using SdWeb.Engine.Networks;
using SdWeb.Generation;
using SdWeb.ModelFiles;
using SdWeb.Options;
using SdWeb.Tests.Support;
using SdWeb.Tests.Web.Support;

namespace SdWeb.Tests.Web.ModelFiles;

/// <summary>The Models page's services as the app wires them, on a temp models folder.</summary>
public sealed class ModelFilesBed : IDisposable
{
    private readonly Lifetime _lifetime = new();

    public ModelFilesBed(string? huggingFaceEndpoint = null)
    {
        Options = new SdWebOptions { ModelsDir = Dir["models"], DataDir = Dir["data"], DemoModelDir = Dir["no-demo-package"], HuggingFaceEndpoint = huggingFaceEndpoint };
        Directory.CreateDirectory(Options.ModelsPath);
        Networks = NetworkLibrary.InModelsFolder(Options.ModelsPath);
        Vaes = new VaeLibrary(Options);
        Library = new ModelLibrary(Options);
        Folders = new ModelFolders(Options, Vaes, Networks);
        Inventory = new ModelInventory(Options, Networks, Vaes, new ModelTextWidths(Library, NullLogger<ModelTextWidths>.Instance));
        Downloads = new ModelDownloads(Options, Folders, _lifetime, TimeProvider.System, NullLogger<ModelDownloads>.Instance);
        Host = new PipelineHost(Factory, Library, Vaes, NullLogger<PipelineHost>.Instance);
        Removal = new ModelFileRemoval(Inventory, Library, Host, NullLogger<ModelFileRemoval>.Instance);
    }

    public TempDir Dir { get; } = new();
    public SdWebOptions Options { get; }
    public NetworkLibrary Networks { get; }
    public VaeLibrary Vaes { get; }
    public ModelLibrary Library { get; }
    public ModelFolders Folders { get; }
    public ModelInventory Inventory { get; }
    public ModelDownloads Downloads { get; }
    public FakePipelineFactory Factory { get; } = new();
    public PipelineHost Host { get; }
    public ModelFileRemoval Removal { get; }

    /// <summary>Copies a file into the models folder (or a subfolder of it) and returns the copy's path.</summary>
    public string Add(string source, string relative)
    {
        var target = Path.Combine(Options.ModelsPath, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Copy(source, target);
        File.SetAttributes(target, FileAttributes.Normal);
        return target;
    }

    public void Dispose()
    {
        _lifetime.Stop();
        Downloads.Dispose();
        Host.Release();
        Dir.Dispose();
    }

    private sealed class Lifetime : IHostApplicationLifetime
    {
        private readonly CancellationTokenSource _stopping = new();
        public CancellationToken ApplicationStarted => CancellationToken.None;
        public CancellationToken ApplicationStopping => _stopping.Token;
        public CancellationToken ApplicationStopped => CancellationToken.None;
        public void StopApplication() => _stopping.Cancel();
        public void Stop() => _stopping.Cancel();
    }
}
