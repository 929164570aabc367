namespace SdWeb.Cli;

/// <summary>A verb of the SdWeb executable (`SdWeb tokenize …`). With no verb the web host runs.</summary>
public interface ICliCommand
{
    /// <summary>What the verb accepts; <see cref="CliApp"/> checks the command line against it before <see cref="RunAsync"/>.</summary>
    CliSyntax Syntax { get; }

    Task<int> RunAsync(CliArgs args, CancellationToken cancellationToken);
}
