namespace SdWeb.Tests.Web.EndToEnd;

/// <summary>The checkout's root folder (where SdWeb.sln is), found from the test binaries.</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "SdWeb.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"No SdWeb.sln above {AppContext.BaseDirectory}; run the tests from the checkout.");
    }
}
