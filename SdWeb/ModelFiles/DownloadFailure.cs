namespace SdWeb.ModelFiles;

/// <summary>A download stopped for a reason the admin can act on; <see cref="Exception.Message"/> says what to do.</summary>
/// <param name="retryable">A dropped connection or a server error, worth trying again from where it stopped.</param>
public sealed class DownloadFailure(string message, bool retryable = false, Exception? inner = null) : Exception(message, inner)
{
    public bool Retryable { get; } = retryable;
}
