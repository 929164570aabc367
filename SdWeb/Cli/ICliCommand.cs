namespace SdWeb.Cli;

/// <summary>A verb of the SdWeb executable (`SdWeb tokenize …`). With no verb the web host runs.</summary>
public interface ICliCommand
{
    string Verb { get; }
    string Usage { get; }
    Task<int> RunAsync(CliArgs args, CancellationToken cancellationToken);
}
