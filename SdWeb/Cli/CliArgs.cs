namespace SdWeb.Cli;

/// <summary>
/// A verb's words split into `--name value` options (repeatable, also `--name=value`), `--flag`s and positional words.
/// Which names exist is <see cref="CliSyntax"/>'s business; this class only reads the values, and asking for one that
/// was given but cannot be parsed throws <see cref="CliUsageException"/>.
/// </summary>
public sealed class CliArgs
{
    private readonly Dictionary<string, List<string>> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);
    public IReadOnlyList<string> Positional { get; }

    /// <param name="flagNames">Options that take no value, so that the word after them is not read as theirs.</param>
    public CliArgs(IEnumerable<string> args, IReadOnlySet<string>? flagNames = null)
    {
        var positional = new List<string>();
        var list = args.ToList();
        for (int i = 0; i < list.Count; i++)
        {
            var a = list[i];
            if (!a.StartsWith("--", StringComparison.Ordinal) || a.Length == 2) { positional.Add(a); continue; }
            var name = a[2..];
            string? inlineValue = null;
            int eq = name.IndexOf('=');
            if (eq >= 0) { inlineValue = name[(eq + 1)..]; name = name[..eq]; }
            if (flagNames?.Contains(name) == true && inlineValue is null) { _flags.Add(name); continue; }
            var value = inlineValue ?? (i + 1 < list.Count ? list[++i] : throw new CliUsageException($"--{name} needs a value."));
            if (!_options.TryGetValue(name, out var values)) _options[name] = values = [];
            values.Add(value);
        }
        Positional = positional;
    }

    /// <summary>Names given with a value.</summary>
    public IReadOnlyCollection<string> OptionNames => _options.Keys;

    /// <summary>Names given as flags (no value).</summary>
    public IReadOnlyCollection<string> FlagNames => _flags;

    public bool Flag(string name) => _flags.Contains(name);

    public IReadOnlyList<string> All(string name) => _options.TryGetValue(name, out var v) ? v : [];

    public string? Get(string name) => _options.TryGetValue(name, out var v) ? v[^1] : null;

    public string Require(string name) => Get(name) ?? throw new CliUsageException($"--{name} is required.");

    public int? GetInt(string name) => Parse(name, s => int.TryParse(s, out var v) ? v : (int?)null, "a whole number");

    public long? GetLong(string name) => Parse(name, s => long.TryParse(s, out var v) ? v : (long?)null, "a whole number");

    public double? GetDouble(string name) => Parse(name, s =>
        double.TryParse(s, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : (double?)null, "a number");

    private T? Parse<T>(string name, Func<string, T?> parse, string what) where T : struct
    {
        var s = Get(name);
        if (s is null) return null;
        return parse(s) ?? throw new CliUsageException($"--{name} must be {what}, not '{s}'.");
    }
}
