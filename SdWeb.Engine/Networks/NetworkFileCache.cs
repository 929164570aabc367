using System.Collections.Concurrent;

namespace SdWeb.Engine.Networks;

/// <summary>
/// What has been read from a network file (its hashes, its text-encoder width), kept per path, size and write time: the
/// library lists every file on each visit of the Generate page, and a file's facts change only when the file does.
/// </summary>
internal static class NetworkFileCache
{
    private static readonly ConcurrentDictionary<(string Path, long Length, DateTime WriteTime, string Fact), object?> Cache = new();

    /// <summary>
    /// The <paramref name="fact"/> of the file, read by <paramref name="read"/> only the first time for this version of
    /// the file. What <paramref name="read"/> throws is not kept.
    /// </summary>
    /// <exception cref="IOException">The file is gone.</exception>
    public static T Get<T>(string path, string fact, Func<string, T> read)
    {
        var info = new FileInfo(path);
        return (T)Cache.GetOrAdd((info.FullName, info.Length, info.LastWriteTimeUtc, fact), static (key, read) => read(key.Path), read)!;
    }
}
