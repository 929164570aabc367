namespace SdWeb.ModelFiles;

public enum DownloadState
{
    Running,

    /// <summary>The whole file is here; its SHA-256 is being checked.</summary>
    Verifying,

    Completed,

    /// <summary>Stopped by an error; the partial file is kept (except after a wrong hash), so Resume continues it.</summary>
    Failed,

    Cancelled,
}
