using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using SdWeb.Auth;
using SdWeb.Data;

namespace SdWeb.Cli;

/// <summary>`users add NAME [--admin]`: creates an account; the password is read from standard input (never the command line).</summary>
public sealed class UsersCommand(TextReader input, TextWriter output) : ICliCommand
{
    private static readonly CliSyntax Add = new("users add", "Create an account; its password is read from standard input.")
    {
        Positionals = ["NAME"],
        Options = [new("admin", null, "make the account an administrator"), .. CliAccounts.Options],
    };

    public CliSyntax Syntax { get; } = new("users", "Create accounts without a browser.") { SubVerbs = [Add] };

    public async Task<int> RunAsync(CliArgs args, CancellationToken cancellationToken)
    {
        if (args.Positional is not ["add", var name]) throw new CliUsageException("say 'users add NAME'.");
        var password = (await input.ReadLineAsync(cancellationToken))?.TrimEnd('\r') ?? "";
        await using var services = await CliAccounts.OpenAsync(args, cancellationToken);
        await using var scope = services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<AccountService>()
            .CreateAccountAsync(name, password, args.Flag("admin"), cancellationToken);
        if (!result.Succeeded) throw new ArgumentException(string.Join(" ", result.Errors.Select(e => e.Description)));
        var user = await scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>().FindByNameAsync(name);
        await output.WriteLineAsync($"Created {(user!.IsAdmin ? "administrator" : "user")} '{user.UserName}'.");
        return CliApp.Ok;
    }
}
