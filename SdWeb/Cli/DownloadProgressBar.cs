using System.Globalization;
using SdWeb.Engine.Loading.Hub;

namespace SdWeb.Cli;

/// <summary>A one-line download progress bar on stderr, redrawn whenever the file or its whole percentage changes.</summary>
internal sealed class DownloadProgressBar(TextWriter writer)
{
    private (string File, long Percent)? _last;

    public void Report(DownloadProgress p)
    {
        long percent = p.BytesTotal is > 0 and var total ? p.BytesDone * 100 / total : -1;
        if (_last == (p.File, percent)) return;
        if (_last is { } last && last.File != p.File) writer.WriteLine();
        _last = (p.File, percent);
        var amount = p.BytesTotal is { } t ? $"{Megabytes(p.BytesDone)}/{Megabytes(t)} MB" : $"{Megabytes(p.BytesDone)} MB";
        writer.Write($"\r{ConsoleProgressBar.Bar(Math.Max(percent, 0), 100)} {(percent < 0 ? "  ?" : $"{percent,3}")}% " +
                     $"({p.FileIndex + 1}/{p.FileCount}) {p.File} {amount}");
        writer.Flush();
    }

    public void Finish()
    {
        if (_last is not null) writer.WriteLine();
    }

    private static string Megabytes(long bytes) => (bytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture);
}
