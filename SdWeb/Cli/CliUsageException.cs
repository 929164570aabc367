namespace SdWeb.Cli;

/// <summary>A command line that cannot run as given; the message says what to fix. Exit code 2.</summary>
public sealed class CliUsageException(string message) : Exception(message);
