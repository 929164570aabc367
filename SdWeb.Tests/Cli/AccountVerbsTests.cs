using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using SdWeb.Cli;
using SdWeb.Data;
using SdWeb.Options;
using SdWeb.Tests.Web.Support;

namespace SdWeb.Tests.Cli;

/// <summary>
/// `users add` and `apikeys create` set a server up without a browser, on the database the app is configured for: the
/// account and the key land in the real SQLite file or PostgreSQL database the web nodes read, checked there.
/// </summary>
[Layer(Layer.Web)]
public abstract class AccountVerbsTests(DatabaseProvider provider)
{
    [Fact]
    public async Task UsersAddAndApiKeysCreateWriteToTheConfiguredDatabase()
    {
        using var database = await TestDatabase.CreateAsync(provider);

        var (exit, output, error) = await RunAsync(["users", "add", "grace", "--admin", .. database.AppArguments], "Compiler-1952!\n");
        Assert.True(exit == CliApp.Ok, error);
        Assert.Contains("Created administrator 'grace'", output);

        (exit, var key, error) = await RunAsync(["apikeys", "create", "--user", "grace", "--label", "ci bot", .. database.AppArguments], "");
        Assert.True(exit == CliApp.Ok, error);
        key = key.Trim();

        await using var db = database.CreateDbContext();
        var user = await db.Users.SingleAsync(u => u.UserName == "grace");
        Assert.True(user.IsAdmin);
        Assert.Equal(PasswordVerificationResult.Success, new PasswordHasher<AppUser>().VerifyHashedPassword(user, user.PasswordHash!, "Compiler-1952!"));
        var stored = await db.ApiKeys.SingleAsync(k => k.UserId == user.Id);
        Assert.Equal("ci bot", stored.Label);
        Assert.StartsWith(stored.Prefix, key, StringComparison.Ordinal);
        Assert.NotEqual(System.Text.Encoding.UTF8.GetBytes(key), stored.Hash); // kept hashed, not as given
    }

    [Fact]
    public async Task AKeyForAnUnknownUserIsRefusedAndNothingIsStored()
    {
        using var database = await TestDatabase.CreateAsync(provider);

        var (exit, _, error) = await RunAsync(["apikeys", "create", "--user", "nobody", .. database.AppArguments], "");

        Assert.NotEqual(CliApp.Ok, exit);
        Assert.Contains("users add nobody", error);
        await using var db = database.CreateDbContext();
        Assert.Empty(await db.ApiKeys.ToListAsync());
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(string[] args, string input)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await CliApp.RunAsync(args, new StringReader(input), output, error, CancellationToken.None);
        return (exit, output.ToString(), error.ToString());
    }
}

public sealed class AccountVerbsOnSqliteTests() : AccountVerbsTests(DatabaseProvider.Sqlite);

public sealed class AccountVerbsOnPostgresTests() : AccountVerbsTests(DatabaseProvider.Postgres);

/// <summary>PostgreSQL chosen without a connection string: the app's own message, no database touched.</summary>
[Layer(Layer.Web)]
public sealed class AccountVerbsSettingsTests
{
    [Fact]
    public async Task PostgresWithoutAConnectionStringSaysWhatIsMissing()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await CliApp.RunAsync(["users", "add", "grace", "--SdWeb:Database=postgres"], new StringReader("Compiler-1952!\n"), output, error, CancellationToken.None);

        Assert.NotEqual(CliApp.Ok, exit);
        Assert.Contains("SdWeb:PostgresConnection is required", error.ToString());
    }
}
