namespace SdWeb.Cli;

/// <summary>
/// One `--name VALUE` option of a verb, or a `--name` flag when <see cref="Value"/> is null.
/// <see cref="Value"/> is the placeholder the usage line shows (PATH, N, TEXT).
/// </summary>
public sealed record CliOption(string Name, string? Value, string Description)
{
    public bool Required { get; init; }

    /// <summary>May be given more than once (`--prompt a --prompt b`); otherwise the last one counts.</summary>
    public bool Repeatable { get; init; }

    public bool IsFlag => Value is null;

    /// <summary>How the usage line shows it: `--model PATH`, `[--seed N]`, `--prompt TEXT…`.</summary>
    public string UsageToken
    {
        get
        {
            var token = IsFlag ? $"--{Name}" : $"--{Name} {Value}";
            if (Repeatable) token += "…";
            return Required ? token : $"[{token}]";
        }
    }
}
