using SdWeb.Engine.Pipelines.Validation;

namespace SdWeb.Cli;

/// <summary>
/// Runs a verb (`SdWeb generate …`): checks the command line against the verb's <see cref="CliSyntax"/>, answers --help,
/// and turns the outcome into the exit code: 0 done, 1 failed, 2 the command line is wrong, 130 cancelled (Ctrl+C).
/// </summary>
public static class CliApp
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int UsageError = 2;
    public const int Cancelled = 130;

    private static readonly string[] HelpWords = ["--help", "-h", "help"];

    private static ICliCommand[] Commands(TextReader input, TextWriter output, TextWriter error) =>
    [
        new GenerateCommand(options => new Engine.Pipelines.PipelineFactory(options), GenerationLimits.Default, output, error),
        new TokenizeCommand(output, error),
        new PromptCommand(output),
        new ModelsCommand(output, error),
        new BenchCommand(options => new Engine.Pipelines.PipelineFactory(options), output),
        new UsersCommand(input, output),
        new ApiKeysCommand(output),
        new SimulateCapacityCommand(output, error),
        new TrainDemoCommand(output, error),
    ];

    /// <summary>
    /// Whether the arguments are for the command line rather than the web host. The host takes configuration
    /// (`--urls URL`, `--SdWeb:DataDir=DIR`, `/key value`, `key=value`); any other first word is a verb, known or not,
    /// so a mistyped verb fails instead of starting a server.
    /// </summary>
    public static bool IsCommandLine(string[] args) =>
        args.Length > 0 && (HelpWords.Contains(args[0]) || !(args[0].StartsWith('-') || args[0].StartsWith('/') || args[0].Contains('=')));

    public static async Task<int> RunAsync(string[] args)
    {
        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
        return await RunAsync(args, Console.Out, Console.Error, cts.Token);
    }

    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken) =>
        RunAsync(args, Console.In, output, error, cancellationToken);

    /// <param name="input">What a verb reads from standard input (`users add` reads the password there).</param>
    public static async Task<int> RunAsync(string[] args, TextReader input, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var commands = Commands(input, output, error);
        if (args.Length == 0 || HelpWords.Contains(args[0]))
        {
            await output.WriteAsync(Overview(commands));
            return Ok;
        }
        var command = commands.FirstOrDefault(c => c.Syntax.Verb == args[0]);
        if (command is null)
        {
            await error.WriteAsync($"error: unknown command '{args[0]}'.\n\n{Overview(commands)}");
            return UsageError;
        }

        var words = args[1..];
        var syntax = command.Syntax.Resolve(words);
        try
        {
            var parsed = new CliArgs(words, syntax.Flags.Append("help").ToHashSet());
            var depth = ReferenceEquals(syntax, command.Syntax) ? 0 : 1;
            if (parsed.Flag("help") || parsed.Positional.Skip(depth).Contains("-h"))
            {
                await output.WriteAsync(syntax.Help);
                return Ok;
            }
            // A verb with sub-verbs says itself which sub-verb is missing or unknown.
            if (syntax.SubVerbs.Count == 0) syntax.Check(parsed, parsed.Positional.Skip(depth).ToList());
            return await command.RunAsync(parsed, cancellationToken);
        }
        catch (CliUsageException e)
        {
            await error.WriteLineAsync($"error: {e.Message}\nusage: {syntax.Usage}\nRun 'SdWeb {syntax.Verb} --help' for more.");
            return UsageError;
        }
        catch (OperationCanceledException)
        {
            await error.WriteLineAsync("cancelled");
            return Cancelled;
        }
        catch (Exception e) when (e is Engine.Loading.ModelLoadException or Engine.Pipelines.GenerationFailedException
                                      or ArgumentException or IOException or HttpRequestException
                                      or NotFiniteNumberException)
        {
            await error.WriteLineAsync($"error: {e.Message}");
            return Failed;
        }
    }

    private static string Overview(IEnumerable<ICliCommand> commands) =>
        "usage: SdWeb VERB [options]     run one command and exit\n" +
        "       SdWeb [--urls URL] [--SdWeb:Key=value …]     run the web app\n\nverbs:\n" +
        string.Concat(commands.Select(c => $"  {c.Syntax.Verb,-10} {c.Syntax.Summary}\n")) +
        "\nRun 'SdWeb VERB --help' for a verb's options. Exit codes: 0 done, 1 failed, 2 wrong command line, 130 cancelled.\n";
}
