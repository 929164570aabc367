namespace SdWeb.Cli;

/// <summary>`models inspect|download|create-random …`: look at, fetch or fabricate models.</summary>
public sealed class ModelsCommand(TextWriter output, TextWriter error) : ICliCommand
{
    public ModelsCommand() : this(Console.Out, Console.Error) { }

    public string Verb => "models";

    public string Usage =>
        "models inspect PATH [--vae PATH]\n" +
        "       SdWeb models download REPO [--models-dir DIR] [--revision REV] [--variant fp16] [--hub-url URL]   (token: HF_TOKEN)\n" +
        "       SdWeb models create-random --preset tiny|sd15 --out DIR [--seed N]";

    public Task<int> RunAsync(CliArgs args, CancellationToken cancellationToken)
    {
        if (args.Positional.Count == 0) throw new CliUsageException("say what to do: inspect, download or create-random.");
        var rest = args.Positional.Skip(1).ToList();
        return args.Positional[0] switch
        {
            "inspect" => ModelsInspect.RunAsync(args, rest, output, cancellationToken),
            "download" => ModelsDownload.RunAsync(args, rest, output, error, cancellationToken),
            "create-random" => ModelsCreateRandom.RunAsync(args, rest, output, cancellationToken),
            var other => throw new CliUsageException($"unknown models command '{other}'; use inspect, download or create-random."),
        };
    }

    /// <summary>Refuses options and extra words a sub-command does not take.</summary>
    internal static void RejectUnknown(CliArgs args, IReadOnlyList<string> extraPositional, params string[] options)
    {
        var unknown = args.Names.Except(options).Select(n => "--" + n).Concat(extraPositional).ToList();
        if (unknown.Count > 0) throw new CliUsageException($"unexpected argument(s): {string.Join(" ", unknown)}.");
    }
}
