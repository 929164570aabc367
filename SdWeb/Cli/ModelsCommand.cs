namespace SdWeb.Cli;

/// <summary>`models inspect|download|create-random|pack-demo|score-demo …`: look at, fetch, fabricate, pack or score models.</summary>
public sealed class ModelsCommand(TextWriter output, TextWriter error) : ICliCommand
{
    public CliSyntax Syntax { get; } = new("models", "Inspect, download, fabricate, pack or score models.")
    {
        SubVerbs = [ModelsInspect.Syntax, ModelsDownload.Syntax, ModelsCreateRandom.Syntax, ModelsPackDemo.Syntax, ModelsScoreDemo.Syntax],
    };

    public Task<int> RunAsync(CliArgs args, CancellationToken cancellationToken)
    {
        if (args.Positional.Count == 0) throw new CliUsageException("say what to do: inspect, download, create-random, pack-demo or score-demo.");
        var rest = args.Positional.Skip(1).ToList();
        return args.Positional[0] switch
        {
            "inspect" => ModelsInspect.RunAsync(args, rest, output, cancellationToken),
            "download" => ModelsDownload.RunAsync(args, rest, output, error, cancellationToken),
            "create-random" => ModelsCreateRandom.RunAsync(args, output, cancellationToken),
            "pack-demo" => ModelsPackDemo.RunAsync(args, output, cancellationToken),
            "score-demo" => ModelsScoreDemo.RunAsync(args, output, cancellationToken),
            var other => throw new CliUsageException($"unknown models command '{other}'; use inspect, download, create-random, pack-demo or score-demo."),
        };
    }
}
