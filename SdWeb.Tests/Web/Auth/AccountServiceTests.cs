using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SdWeb.Auth;
using SdWeb.Data;
using SdWeb.Tests.Web.Support;

namespace SdWeb.Tests.Web.Auth;

[Layer(Layer.Web)]
public sealed class AccountServiceTests : IAsyncLifetime
{
    private AuthServices _auth = default!;

    public async Task InitializeAsync() => _auth = await AuthServices.CreateAsync();

    public async Task DisposeAsync() => await _auth.DisposeAsync();

    private Task<T> InScope<T>(Func<AccountService, UserManager<AppUser>, Task<T>> act) =>
        _auth.InScope(sp => act(sp.GetRequiredService<AccountService>(), sp.GetRequiredService<UserManager<AppUser>>()));

    private Task<IdentityResult> Register(string name, string? invite = null) =>
        InScope((accounts, _) => accounts.RegisterAsync(name, "correct horse", invite));

    private Task<AppUser?> User(string name) => InScope((_, users) => users.FindByNameAsync(name));

    private const string InviteNeeded =
        "Registration needs a valid invite link. Ask an administrator for one (invites are used once and expire after 7 days).";

    [Fact]
    public async Task TheFirstUserRegistersWithoutInviteAndBecomesAdmin()
    {
        Assert.True((await Register("alice")).Succeeded);
        Assert.True((await User("alice"))!.IsAdmin);
    }

    [Fact]
    public async Task AfterTheFirstUserRegistrationNeedsAnInvite()
    {
        await Register("alice");
        var refused = await Register("mallory");
        Assert.Equal([InviteNeeded], refused.Errors.Select(e => e.Description));
        Assert.Equal([InviteNeeded], (await Register("mallory", "not-a-token")).Errors.Select(e => e.Description));
        Assert.Null(await User("mallory"));
    }

    [Fact]
    public async Task AnInviteCreatesOneNonAdminAccountOnly()
    {
        await Register("alice");
        var alice = (await User("alice"))!;
        var invite = await InScope((accounts, _) => accounts.CreateInviteAsync(alice.Id));

        Assert.True((await Register("bob", invite.Token)).Succeeded);
        Assert.False((await User("bob"))!.IsAdmin);
        Assert.Empty(await InScope((accounts, _) => accounts.OpenInvitesAsync()));

        Assert.Equal([InviteNeeded], (await Register("carol", invite.Token)).Errors.Select(e => e.Description));
    }

    [Fact]
    public async Task AnExpiredInviteIsRefused()
    {
        await Register("alice");
        var invite = await InScope(async (accounts, users) => await accounts.CreateInviteAsync((await users.FindByNameAsync("alice"))!.Id));
        _auth.Clock.Now += AccountService.InviteLifetime + TimeSpan.FromMinutes(1);

        Assert.Equal([InviteNeeded], (await Register("bob", invite.Token)).Errors.Select(e => e.Description));
    }

    [Fact]
    public async Task AFailedRegistrationLeavesTheInviteUnused()
    {
        await Register("alice");
        var invite = await InScope(async (accounts, users) => await accounts.CreateInviteAsync((await users.FindByNameAsync("alice"))!.Id));

        var tooShort = await InScope((accounts, _) => accounts.RegisterAsync("bob", "short", invite.Token));
        Assert.Equal(["Passwords must be at least 8 characters."], tooShort.Errors.Select(e => e.Description));
        Assert.True((await Register("bob", invite.Token)).Succeeded);
    }

    [Fact]
    public async Task AdminsCreateAccountsDirectly()
    {
        await Register("alice");
        Assert.True((await InScope((accounts, _) => accounts.CreateAccountAsync("dave", "long enough", isAdmin: true))).Succeeded);
        Assert.True((await User("dave"))!.IsAdmin);
        var duplicate = await InScope((accounts, _) => accounts.CreateAccountAsync("dave", "long enough", isAdmin: false));
        Assert.Equal(["Username 'dave' is already taken."], duplicate.Errors.Select(e => e.Description));
    }

    [Fact]
    public async Task TwoPeopleRacingToBeFirstMakeOneAdmin()
    {
        var results = await Task.WhenAll(Register("alice"), Register("bob"));
        Assert.Single(results, r => r.Succeeded);
        var admins = await InScope((_, users) => users.Users.CountAsync(u => u.IsAdmin));
        Assert.Equal(1, admins);
    }

    [Fact]
    public async Task ASignedInCircuitStaysValidUntilTheStampChangesOrTheUserIsGone()
    {
        await Register("alice");
        await using var scope = _auth.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var options = scope.ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<IdentityOptions>>().Value;
        var alice = (await users.FindByNameAsync("alice"))!;
        var principal = await scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<AppUser>>().CreateAsync(alice);

        Assert.True(principal.IsInRole(Roles.Admin));
        Assert.True(await RevalidatingIdentityStateProvider.IsStillValidAsync(users, principal, options));

        await users.UpdateSecurityStampAsync(alice);
        Assert.False(await RevalidatingIdentityStateProvider.IsStillValidAsync(users, principal, options));

        var fresh = await scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<AppUser>>().CreateAsync(alice);
        await users.DeleteAsync(alice);
        Assert.False(await RevalidatingIdentityStateProvider.IsStillValidAsync(users, fresh, options));
    }
}
