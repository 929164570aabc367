using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using SdWeb.Data;
using SdWeb.Engine.Networks;
using SdWeb.Engine.Pipelines.Validation;
using SdWeb.Generation;
using SdWeb.Options;
using SdWeb.Storage;

namespace SdWeb.Tests.Web.Support;

/// <summary>The generation services wired as the app wires them, on a real database (SQLite unless asked for PostgreSQL), with a fake engine and saver.</summary>
public sealed class GenerationHarness : IDisposable
{
    private GenerationHarness(TestDatabase database, ImageFileWriter files)
    {
        Database = database;
        Options = new SdWebOptions { DataDir = database.Dir.Path, ModelsDir = database.Dir["models"], DemoModelDir = database.Dir["no-demo-package"] };
        // A model file in ModelsDir, so a started worker has no reason to create the demo model (the fake engine never reads it).
        Directory.CreateDirectory(Options.ModelsDir);
        File.WriteAllBytes(Path.Combine(Options.ModelsDir, "model-a.safetensors"), []);
        Notifier = new JobNotifier(1000, TimeProvider.System, NullLogger<JobNotifier>.Instance);
        Positions = new QueuePositions(Queue, Notifier);
        Host = new PipelineHost(Factory, Library, new VaeLibrary(Options), NullLogger<PipelineHost>.Instance);
        Paths = new ImagePaths(Options);
        Images = new ImageStore(Database, Paths, files, TimeProvider.System, NullLogger<ImageStore>.Instance);
        Networks = new JobNetworks(NetworkLibrary.InModelsFolder(Options.ModelsDir));
        Claims = new JobClaims(Database, ClaimSettings.Default, TimeProvider.System);
        Dispatch = new LocalJobDispatch(Queue, Cancellations);
        Executor = new JobExecutor(Database, Host, Networks, Images, Notifier, Cancellations, Claims, Paths, GenerationLimits.Default, TimeProvider.System, NullLogger<JobExecutor>.Instance);
        Styles = new PromptStyleLibrary(Database, TimeProvider.System);
        Submitter = new JobSubmitter(Database, Library, Dispatch, GenerationLimits.Default, new SubmissionRateLimiter(Options), Networks, Styles, new VaeLibrary(Options));
        Canceller = new JobCanceller(Database, Dispatch, Notifier, TimeProvider.System);
    }

    public TestDatabase Database { get; }
    public SdWebOptions Options { get; }
    public FakeModelLibrary Library { get; } = new("model-a", "model-b");
    public FakePipelineFactory Factory { get; } = new();
    public ImagePaths Paths { get; }
    public JobNetworks Networks { get; }
    public ImageStore Images { get; }
    public JobQueue Queue { get; } = new();
    public JobCancellations Cancellations { get; } = new();
    public JobClaims Claims { get; }
    public LocalJobDispatch Dispatch { get; }
    public JobNotifier Notifier { get; }
    public QueuePositions Positions { get; }
    public PipelineHost Host { get; }
    public JobExecutor Executor { get; }
    public PromptStyleLibrary Styles { get; }
    public JobSubmitter Submitter { get; }
    public JobCanceller Canceller { get; }

    /// <param name="files">Where image files are created (a failing one simulates a full disk).</param>
    public static async Task<GenerationHarness> CreateAsync(ImageFileWriter? files = null, DatabaseProvider provider = DatabaseProvider.Sqlite) =>
        new(await TestDatabase.CreateAsync(provider, "alice", "bob"), files ?? new ImageFileWriter());

    public GenerationWorker Worker() =>
        new(Database, Queue, Executor, Positions, new DemoModel(Options, NullLogger<DemoModel>.Instance), Host, NullLogger<GenerationWorker>.Instance);

    /// <summary>A worker that claims from the jobs table (the scaled-out path), on this harness's engine and executor.</summary>
    public ClaimingWorker ClaimingWorker() =>
        new(Claims, new WorkerRegistry(Database, ClaimSettings.Default, TimeProvider.System), Executor, Cancellations, new JobArrivals(), Library,
            new DemoModel(Options, NullLogger<DemoModel>.Instance), Host, Options, ClaimSettings.Default, NullLogger<ClaimingWorker>.Instance);

    /// <summary>Submits a valid small job (2 steps, 64²) with the given changes and returns its id.</summary>
    public async Task<Guid> SubmitAsync(string user = "alice", Func<JobRequest, JobRequest>? change = null)
    {
        var request = new JobRequest { Prompt = "a red fox", Steps = 2, Width = 64, Height = 64, Seed = 100 };
        var result = await Submitter.SubmitAsync(change?.Invoke(request) ?? request, user, CancellationToken.None);
        Assert.True(result.Accepted, string.Join("; ", result.Errors.SelectMany(e => e.Value)));
        return result.JobId!.Value;
    }

    /// <summary>Takes the next job off the queue and runs it on this thread, as the worker does.</summary>
    public async Task RunNextAsync() => Executor.Run((await Queue.DequeueAsync(CancellationToken.None)).JobId, CancellationToken.None);

    public async Task<GenerationJob> JobAsync(Guid id)
    {
        await using var db = Database.CreateDbContext();
        return await db.Jobs.AsNoTracking().SingleAsync(j => j.Id == id);
    }

    /// <summary>The stored images, oldest first.</summary>
    public async Task<List<ImageRecord>> SavedAsync()
    {
        await using var db = Database.CreateDbContext();
        return await db.Images.AsNoTracking().OrderBy(i => i.CreatedAt).ThenBy(i => i.Seed).ToListAsync();
    }

    public void Dispose()
    {
        Host.Release();
        Positions.Dispose();
        Database.Dispose();
    }
}
