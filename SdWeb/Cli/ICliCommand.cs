namespace SdWeb.Cli;

/// <summary>A verb of the SdWeb executable (`SdWeb tokenize …`). With no verb the web host runs.</summary>
public interface ICliCommand
{
    string Verb { get; }
    string Usage { get; }

    /// <summary>Options that take no value (`--pipeline`); every other `--name` takes one.</summary>
    IReadOnlySet<string> Flags => new HashSet<string>();

    Task<int> RunAsync(CliArgs args, CancellationToken cancellationToken);
}
