namespace SdWeb.Cli;

/// <summary>`prompt inspect …`: look at what a prompt becomes before generating with it.</summary>
public sealed class PromptCommand(TextWriter output) : ICliCommand
{
    public CliSyntax Syntax { get; } = new("prompt", "Inspect how a prompt is read.")
    {
        SubVerbs = [PromptInspect.Syntax],
    };

    public Task<int> RunAsync(CliArgs args, CancellationToken cancellationToken)
    {
        if (args.Positional.Count == 0) throw new CliUsageException("say what to do: inspect.");
        return args.Positional[0] switch
        {
            "inspect" => PromptInspect.RunAsync(args, output, cancellationToken),
            var other => throw new CliUsageException($"unknown prompt command '{other}'; use inspect."),
        };
    }
}
