namespace SdWeb.Cli;

/// <summary>Dispatches the first argument to a verb. Unknown first words fall through to the web host.</summary>
public static class CliApp
{
    private static readonly ICliCommand[] Commands =
    [
        new TokenizeCommand(),
        new GenerateCommand(),
        new BenchCommand(),
        new ModelsCommand(),
    ];

    public static bool IsVerb(string[] args) =>
        args.Length > 0 && Commands.Any(c => c.Verb == args[0]);

    public static async Task<int> RunAsync(string[] args)
    {
        var command = Commands.First(c => c.Verb == args[0]);
        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
        try
        {
            return await command.RunAsync(new CliArgs(args.Skip(1), command.Flags), cts.Token);
        }
        catch (CliUsageException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}\nusage: SdWeb {command.Usage}");
            return 2;
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("cancelled");
            return 130;
        }
        catch (Exception e) when (e is Engine.Loading.ModelLoadException or Engine.Pipelines.GenerationFailedException or ArgumentException or IOException)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            return 1;
        }
    }
}
