using SdWeb.Engine.Loading.SafeTensors;

namespace SdWeb.Tests.Support;

/// <summary>
/// The reference data made with diffusers/transformers, in ../shared/golden beside the repository root.
/// Tests that need it fail with a clear message when it is missing (they are never skipped silently).
/// </summary>
public static class Golden
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string Dir
    {
        get
        {
            var dir = Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "golden"));
            if (!Directory.Exists(dir))
                throw new DirectoryNotFoundException(
                    $"Golden reference data not found at {dir}. The tests compare the engine with ../shared/golden " +
                    "beside the repository root (made with diffusers 0.24 / transformers 4.35); put it there and run again.");
            return dir;
        }
    }

    public static string PathOf(params string[] parts) => Path.Combine([Dir, .. parts]);

    public static string TinySdFolder => PathOf("tiny-sd");
    public static string TinySdCheckpoint => PathOf("tiny-sd.safetensors");

    internal static SafeTensorsFile OpenCase(params string[] parts) => SafeTensorsFile.Open(PathOf(parts));

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "SdWeb.sln"))) return dir.FullName;
        throw new InvalidOperationException($"Cannot find SdWeb.sln above {AppContext.BaseDirectory}.");
    }
}
