using System.Text;

namespace SdWeb.Cli;

/// <summary>
/// What one verb accepts: its options, positional words and sub-verbs. <see cref="CliApp"/> refuses anything else and
/// renders the usage line and the --help page from it, so what is accepted and what is documented cannot drift apart.
/// </summary>
public sealed record CliSyntax(string Verb, string Summary)
{
    public IReadOnlyList<CliOption> Options { get; init; } = [];

    /// <summary>Placeholders of the positional words, in order (PATH, [REPO]).</summary>
    public IReadOnlyList<string> Positionals { get; init; } = [];

    /// <summary>Verbs under this one (`models inspect`); a verb with sub-verbs takes no options itself.</summary>
    public IReadOnlyList<CliSyntax> SubVerbs { get; init; } = [];

    public IReadOnlySet<string> Flags => Options.Where(o => o.IsFlag).Select(o => o.Name).ToHashSet();

    public string Usage => SubVerbs.Count > 0
        ? string.Join("\n       ", SubVerbs.Select(s => s.Usage))
        : string.Join(" ", new[] { $"SdWeb {Verb}" }.Concat(Positionals).Concat(Options.Select(o => o.UsageToken)));

    public string Help
    {
        get
        {
            var help = new StringBuilder($"usage: {Usage}\n\n{Summary}\n");
            if (SubVerbs.Count > 0)
            {
                help.Append('\n');
                foreach (var sub in SubVerbs) help.Append($"  {sub.Verb.Split(' ')[^1],-22} {sub.Summary}\n");
                help.Append($"\nRun 'SdWeb {Verb} VERB --help' for the options of each.\n");
            }
            var names = Options.Select(o => o.IsFlag ? $"--{o.Name}" : $"--{o.Name} {o.Value}").Append("--help").ToList();
            int width = names.Max(n => n.Length) + 2;
            if (Options.Count > 0) help.Append("\noptions:\n");
            foreach (var (option, name) in Options.Zip(names))
                help.Append($"  {name.PadRight(width)}{option.Description}{(option.Required ? " (required)" : "")}\n");
            return help.Append($"  {"--help".PadRight(width)}show this help\n").ToString();
        }
    }

    /// <summary>The sub-verb the first word names (`models inspect …` → inspect's syntax), else this one.</summary>
    public CliSyntax Resolve(IReadOnlyList<string> args) =>
        args.Count > 0 && SubVerbs.FirstOrDefault(s => s.Verb.Split(' ')[^1] == args[0]) is { } sub ? sub : this;

    /// <summary>Throws <see cref="CliUsageException"/> naming the first option or word this verb does not take.</summary>
    /// <param name="positional">The positional words after the verb (and sub-verb).</param>
    public void Check(CliArgs args, IReadOnlyList<string> positional)
    {
        foreach (var name in args.OptionNames.Concat(args.FlagNames))
        {
            var option = Options.FirstOrDefault(o => o.Name == name)
                ?? throw new CliUsageException($"unknown option --{name} for '{Verb}'.{DidYouMean(name)}");
            if (option.IsFlag && args.OptionNames.Contains(name))
                throw new CliUsageException($"--{name} is a flag and takes no value.");
        }
        if (positional.Count > Positionals.Count)
            throw new CliUsageException($"unexpected argument '{positional[Positionals.Count]}' for '{Verb}'.");
    }

    private string DidYouMean(string name)
    {
        var closest = Options.MinBy(o => EditDistance(o.Name, name));
        return closest is not null && EditDistance(closest.Name, name) <= 2 ? $" Did you mean --{closest.Name}?" : "";
    }

    private static int EditDistance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var diagonal = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.Length];
    }
}
