namespace SdWeb.Tests.Support;

/// <summary>A fresh directory under the system temp folder, deleted with everything in it on dispose.</summary>
public sealed class TempDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("sdweb-test-").FullName;

    public string this[string relative] => System.IO.Path.Combine(Path, relative);

    /// <summary>Copies a directory tree into this one (under <paramref name="name"/>) and returns the copy's path.</summary>
    public string CopyFrom(string sourceDir, string name)
    {
        var target = this[name];
        foreach (var dir in Directory.EnumerateDirectories(sourceDir, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(System.IO.Path.Combine(target, System.IO.Path.GetRelativePath(sourceDir, dir)));
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(sourceDir, "*", SearchOption.AllDirectories))
        {
            var dest = System.IO.Path.Combine(target, System.IO.Path.GetRelativePath(sourceDir, file));
            File.Copy(file, dest);
            File.SetAttributes(dest, FileAttributes.Normal); // the golden files are read-only
        }
        return target;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { /* a file still open by a failing test; the OS cleans temp */ }
    }
}
