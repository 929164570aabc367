using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using SdWeb.Auth;
using SdWeb.Data;

namespace SdWeb.Cli;

/// <summary>`apikeys create --user NAME [--label TEXT]`: makes an API key and prints it (the only time it is shown).</summary>
public sealed class ApiKeysCommand(TextWriter output) : ICliCommand
{
    private static readonly CliSyntax Create = new("apikeys create", "Create an API key for a user and print it.")
    {
        Options =
        [
            new("user", "NAME", "the account the key signs in as") { Required = true },
            new("label", "TEXT", "a name to tell the key apart on the profile page"),
            .. CliAccounts.Options,
        ],
    };

    public CliSyntax Syntax { get; } = new("apikeys", "Create API keys without a browser.") { SubVerbs = [Create] };

    public async Task<int> RunAsync(CliArgs args, CancellationToken cancellationToken)
    {
        if (args.Positional is not ["create"]) throw new CliUsageException("say 'apikeys create --user NAME'.");
        var userName = args.Require("user");
        await using var services = await CliAccounts.OpenAsync(args, cancellationToken);
        await using var scope = services.CreateAsyncScope();
        var user = await scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>().FindByNameAsync(userName)
            ?? throw new ArgumentException($"There is no user '{userName}'; create it with 'SdWeb users add {userName}'.");
        var (_, secret) = await services.GetRequiredService<ApiKeyService>().CreateAsync(user.Id, args.Get("label") ?? "", cancellationToken);
        await output.WriteLineAsync(secret);
        return CliApp.Ok;
    }
}
