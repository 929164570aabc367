using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SdWeb.Auth;
using SdWeb.Data;
using SdWeb.Tests.Web.Support;

namespace SdWeb.Tests.Web.Auth;

/// <summary>
/// An administrator managing existing accounts, on a real SQLite file: alice registered first (admin), bob and dave were
/// created by her (bob a member, dave an admin).
/// </summary>
[Layer(Layer.Web)]
public sealed class AccountAdministrationTests : IAsyncLifetime
{
    private const string BobsPassword = "bob's first password";
    private AuthServices _auth = default!;
    private string _alice = "", _bob = "", _dave = "";

    public async Task InitializeAsync()
    {
        _auth = await AuthServices.CreateAsync();
        Assert.True((await Accounts(a => a.RegisterAsync("alice", "alice's password", inviteToken: null))).Succeeded);
        Assert.True((await Accounts(a => a.CreateAccountAsync("bob", BobsPassword, isAdmin: false))).Succeeded);
        Assert.True((await Accounts(a => a.CreateAccountAsync("dave", "dave's password", isAdmin: true))).Succeeded);
        (_alice, _bob, _dave) = ((await User("alice")).Id, (await User("bob")).Id, (await User("dave")).Id);
    }

    public async Task DisposeAsync() => await _auth.DisposeAsync();

    private Task<T> InScope<T>(Func<IServiceProvider, Task<T>> act) => _auth.InScope(act);

    private Task<IdentityResult> Accounts(Func<AccountService, Task<IdentityResult>> act) =>
        InScope(sp => act(sp.GetRequiredService<AccountService>()));

    private Task<IdentityResult> Administer(Func<AccountAdministration, Task<IdentityResult>> act) =>
        InScope(sp => act(sp.GetRequiredService<AccountAdministration>()));

    private async Task<AppUser> User(string name) =>
        (await InScope(sp => sp.GetRequiredService<UserManager<AppUser>>().FindByNameAsync(name)))!;

    private Task<SignInResult> SignIn(string name, string password) => InScope(async sp =>
    {
        var signIn = sp.GetRequiredService<SignInManager<AppUser>>();
        return await signIn.CheckPasswordSignInAsync((await signIn.UserManager.FindByNameAsync(name))!, password, lockoutOnFailure: true);
    });

    /// <summary>The cookie principal a session of <paramref name="name"/> holds right now.</summary>
    private Task<ClaimsPrincipal> Session(string name) =>
        InScope(async sp => await sp.GetRequiredService<IUserClaimsPrincipalFactory<AppUser>>().CreateAsync(await User(name)));

    private Task<bool> IsStillValid(ClaimsPrincipal session) =>
        InScope(sp => RevalidatingIdentityStateProvider.IsStillValidAsync(
            sp.GetRequiredService<UserManager<AppUser>>(), session, sp.GetRequiredService<IOptions<IdentityOptions>>().Value));

    private static void AssertRefused(string message, IdentityResult result) =>
        Assert.Equal([message], result.Errors.Select(e => e.Description));

    private const string LockInstead = "bob owns jobs or images, which the gallery keeps. Lock the account instead of deleting it.";

    [Fact]
    public async Task SignedInCookiesRecheckTheirStampEveryMinuteNotEveryHalfHour()
    {
        var interval = await InScope(sp => Task.FromResult(sp.GetRequiredService<IOptions<SecurityStampValidatorOptions>>().Value.ValidationInterval));
        Assert.Equal(TimeSpan.FromMinutes(1), interval);
    }

    [Fact]
    public async Task AnAdminMakesAMemberAdminAndBackAndTheirSessionsEnd()
    {
        var session = await Session("bob");
        Assert.False(session.IsInRole(Roles.Admin));

        Assert.True((await Administer(a => a.SetAdminAsync(_alice, _bob, isAdmin: true))).Succeeded);
        Assert.True((await User("bob")).IsAdmin);
        Assert.False(await IsStillValid(session));
        var adminSession = await Session("bob");
        Assert.True(adminSession.IsInRole(Roles.Admin));

        Assert.True((await Administer(a => a.SetAdminAsync(_alice, _bob, isAdmin: false))).Succeeded);
        Assert.False((await User("bob")).IsAdmin);
        Assert.False(await IsStillValid(adminSession));
        Assert.False((await Session("bob")).IsInRole(Roles.Admin));
    }

    [Fact]
    public async Task ALockedAccountCannotSignInUntilUnlocked()
    {
        var session = await Session("bob");
        Assert.True((await Administer(a => a.LockAsync(_alice, _bob))).Succeeded);
        Assert.True((await SignIn("bob", BobsPassword)).IsLockedOut);
        Assert.False(await IsStillValid(session));
        Assert.True(AccountLock.IsLockedByAdministrator(await User("bob")));

        Assert.True((await Administer(a => a.UnlockAsync(_alice, _bob))).Succeeded);
        Assert.True((await SignIn("bob", BobsPassword)).Succeeded);
    }

    [Fact]
    public async Task UnlockEndsALockoutAfterFailedSignInsAndForgetsTheFailures()
    {
        for (int i = 0; i < 5; i++) Assert.False((await SignIn("bob", "wrong password")).Succeeded);
        Assert.True((await SignIn("bob", BobsPassword)).IsLockedOut);
        Assert.False(AccountLock.IsLockedByAdministrator(await User("bob")));

        Assert.True((await Administer(a => a.UnlockAsync(_alice, _bob))).Succeeded);
        Assert.Equal(0, (await User("bob")).AccessFailedCount);
        Assert.True((await SignIn("bob", BobsPassword)).Succeeded);
    }

    [Fact]
    public async Task ANewPasswordWorksAndTheOldOneNoLonger()
    {
        var session = await Session("bob");
        Assert.True((await Administer(a => a.SetPasswordAsync(_alice, _bob, "bob's new password"))).Succeeded);
        Assert.True((await SignIn("bob", "bob's new password")).Succeeded);
        Assert.False((await SignIn("bob", BobsPassword)).Succeeded);
        Assert.False(await IsStillValid(session));
    }

    [Fact]
    public async Task APasswordAgainstTheRulesIsRefusedAndTheOldOneStays()
    {
        AssertRefused("Passwords must be at least 8 characters.", await Administer(a => a.SetPasswordAsync(_alice, _bob, "short")));
        var empty = await Administer(a => a.SetPasswordAsync(_alice, _bob, ""));
        Assert.Equal(["Passwords must be at least 8 characters.", "Passwords must use at least 1 different characters."],
            empty.Errors.Select(e => e.Description));
        Assert.True((await SignIn("bob", BobsPassword)).Succeeded);
    }

    [Fact]
    public async Task AnAccountWithoutWorkIsDeletedAndItsSessionsEnd()
    {
        var session = await Session("bob");
        Assert.True((await Administer(a => a.DeleteAsync(_alice, _bob))).Succeeded);
        Assert.Null(await InScope(sp => sp.GetRequiredService<UserManager<AppUser>>().FindByNameAsync("bob")));
        Assert.False(await IsStillValid(session));
    }

    [Fact]
    public async Task AnAccountThatOwnsAJobIsKept()
    {
        await InScope(async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            db.Jobs.Add(new GenerationJob { UserId = _bob, Prompt = "a lighthouse", Sampler = "euler", ModelName = "tiny" });
            return await db.SaveChangesAsync();
        });
        AssertRefused(LockInstead, await Administer(a => a.DeleteAsync(_alice, _bob)));
        Assert.Equal("bob", (await User("bob")).UserName);
    }

    [Fact]
    public async Task AnAccountThatOwnsAnImageIsKept()
    {
        await InScope(async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            db.Images.Add(new ImageRecord
            {
                UserId = _bob, Prompt = "a lighthouse", Sampler = "euler", ModelName = "tiny",
                FilePath = "images/2026/05/01/x.png", ThumbPath = "images/2026/05/01/x.thumb.webp",
            });
            return await db.SaveChangesAsync();
        });
        AssertRefused(LockInstead, await Administer(a => a.DeleteAsync(_alice, _bob)));
        Assert.Equal("bob", (await User("bob")).UserName);
    }

    [Fact]
    public async Task AnAdminCannotDemoteLockOrDeleteThemselves()
    {
        AssertRefused("You cannot take away your own administrator role; ask another administrator.",
            await Administer(a => a.SetAdminAsync(_alice, _alice, isAdmin: false)));
        AssertRefused("You cannot lock your own account.", await Administer(a => a.LockAsync(_alice, _alice)));
        AssertRefused("You cannot delete your own account.", await Administer(a => a.DeleteAsync(_alice, _alice)));

        var alice = await User("alice");
        Assert.True(alice.IsAdmin);
        Assert.False(AccountLock.IsLocked(alice, _auth.Clock.Now));
    }

    [Fact]
    public async Task TheLastAdminWhoCanSignInCannotBeDemotedLockedOrDeleted()
    {
        // alice locks dave; dave's session is still open for a moment and tries to strip alice of the role.
        Assert.True((await Administer(a => a.LockAsync(_alice, _dave))).Succeeded);
        const string lastAdmin = "alice is the last administrator who can sign in. Make another account administrator first.";
        AssertRefused(lastAdmin, await Administer(a => a.SetAdminAsync(_dave, _alice, isAdmin: false)));
        AssertRefused(lastAdmin, await Administer(a => a.LockAsync(_dave, _alice)));
        AssertRefused(lastAdmin, await Administer(a => a.DeleteAsync(_dave, _alice)));

        var alice = await User("alice");
        Assert.True(alice.IsAdmin);
        Assert.False(AccountLock.IsLocked(alice, _auth.Clock.Now));

        // Once dave can sign in again, alice is no longer the last one.
        Assert.True((await Administer(a => a.UnlockAsync(_alice, _dave))).Succeeded);
        Assert.True((await Administer(a => a.SetAdminAsync(_dave, _alice, isAdmin: false))).Succeeded);
    }

    [Fact]
    public async Task TwoAdminsDemotingEachOtherAtOnceLeaveOneAdmin()
    {
        var results = await Task.WhenAll(
            Administer(a => a.SetAdminAsync(_alice, _dave, isAdmin: false)),
            Administer(a => a.SetAdminAsync(_dave, _alice, isAdmin: false)));
        var refused = Assert.Single(results, r => !r.Succeeded);
        AssertRefused("Only administrators manage accounts.", refused);
        Assert.NotEqual((await User("alice")).IsAdmin, (await User("dave")).IsAdmin);
    }

    [Fact]
    public async Task OnlyACurrentAdminManagesAccounts()
    {
        const string notAdmin = "Only administrators manage accounts.";
        AssertRefused(notAdmin, await Administer(a => a.SetAdminAsync(_bob, _bob, isAdmin: true)));
        AssertRefused(notAdmin, await Administer(a => a.LockAsync(_bob, _dave)));
        AssertRefused(notAdmin, await Administer(a => a.UnlockAsync(_bob, _dave)));
        AssertRefused(notAdmin, await Administer(a => a.SetPasswordAsync(_bob, _dave, "bob owns dave now")));
        AssertRefused(notAdmin, await Administer(a => a.DeleteAsync(_bob, _dave)));
        AssertRefused(notAdmin, await Administer(a => a.LockAsync("no-such-user", _dave)));
        Assert.False((await User("bob")).IsAdmin);
        Assert.False(AccountLock.IsLocked(await User("dave"), _auth.Clock.Now));
    }

    [Fact]
    public async Task AnAccountThatIsGoneIsReported()
    {
        Assert.True((await Administer(a => a.DeleteAsync(_alice, _bob))).Succeeded);
        AssertRefused("That account does not exist (any more).", await Administer(a => a.LockAsync(_alice, _bob)));
        AssertRefused("That account does not exist (any more).", await Administer(a => a.DeleteAsync(_alice, _bob)));
    }
}
