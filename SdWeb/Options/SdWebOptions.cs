namespace SdWeb.Options;

/// <summary>
/// Settings under the <c>SdWeb</c> configuration section (appsettings, <c>--SdWeb:DataDir=…</c>, <c>SdWeb__DataDir</c>).
/// Relative folders are taken from the current directory.
/// </summary>
public sealed record SdWebOptions
{
    public const string Section = "SdWeb";

    /// <summary>Holds the database and the images.</summary>
    public string DataDir { get; init; } = "./data";

    /// <summary>sqlite (one file under DataDir, one box) or postgres (shared by several machines; see <see cref="PostgresConnection"/>).</summary>
    public DatabaseProvider Database { get; init; } = DatabaseProvider.Sqlite;

    /// <summary>Npgsql connection string, used when <see cref="Database"/> is postgres.</summary>
    public string? PostgresConnection { get; init; }

    /// <summary>
    /// StackExchange.Redis connection string (e.g. <c>redis:6379</c>); unset, the node stands alone. Set, progress goes
    /// between nodes through Redis, SignalR uses its backplane and the cookie keys live there.
    /// </summary>
    public string? Redis { get; init; }

    /// <summary>Whether this process runs the generation worker (a web node may leave the GPU to `SdWeb worker` processes).</summary>
    public WorkerOptions Worker { get; init; } = new();

    /// <summary>Holds the models (diffusers folders or single .safetensors files).</summary>
    public string ModelsDir { get; init; } = "./models";

    /// <summary>
    /// The trained demo model the first run installs (a `models pack-demo` package); without one there, the first run
    /// makes a random tiny model instead. The build copies the repository's SdWeb/DemoModel/ beside the app.
    /// </summary>
    public string DemoModelDir { get; init; } = Path.Combine(AppContext.BaseDirectory, "DemoModel");

    /// <summary>The Hugging Face hub the Models page downloads from (as HF_ENDPOINT, which applies when this is unset; else huggingface.co).</summary>
    public string? HuggingFaceEndpoint { get; init; }

    /// <summary>auto | cpu | cuda | cuda:N</summary>
    public string Device { get; init; } = "auto";

    /// <summary>auto | fp32 | bf16 (bf16 weights, fp32 compute on the CPU) | bf16-compute | fp16; auto measures on the CPU.</summary>
    public string DType { get; init; } = "auto";

    /// <summary>Intra-op CPU threads (0 = the engine's default).</summary>
    public int Threads { get; init; }

    /// <summary>auto (SdWeb's attention kernel for bf16 on CPUs with AVX-512 BF16, where it raced faster than libtorch's) | sdweb (wherever it can run) | libtorch</summary>
    public string Attention { get; init; } = "auto";

    /// <summary>auto (SdWeb's Winograd for the float32 convolutions of wide layers on the CPU, where it raced faster than libtorch's) | sdweb (wherever it applies) | libtorch (as engines before it, bit for bit)</summary>
    public string Convolutions { get; init; } = "auto";

    /// <summary>Largest img2img upload accepted, in bytes.</summary>
    public long MaxUploadBytes { get; init; } = 20 * 1024 * 1024;

    /// <summary><see cref="MaxUploadBytes"/> as messages show it.</summary>
    public long MaxUploadMegabytes => MaxUploadBytes / (1024 * 1024);

    /// <summary>Largest img2img upload width or height, read from the header before decoding.</summary>
    public int MaxUploadDimension { get; init; } = 4096;

    /// <summary>Jobs one user may submit in a burst before the per-user rate limit applies.</summary>
    public int SubmissionBurst { get; init; } = 20;

    /// <summary>Sustained submissions per user per minute once the burst is spent.</summary>
    public double SubmissionsPerMinute { get; init; } = 20;

    /// <summary>Most previews sent to one subscriber per second.</summary>
    public double PreviewsPerSecond { get; init; } = 4;

    public string DataPath => Path.GetFullPath(DataDir);

    public string ModelsPath => Path.GetFullPath(ModelsDir);

    public string DemoModelPath => Path.GetFullPath(DemoModelDir);

    public string DatabasePath => Path.Combine(DataPath, "sdweb.db");
}
