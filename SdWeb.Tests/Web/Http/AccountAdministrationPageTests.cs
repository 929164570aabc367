using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using SdWeb.Data;
using SdWeb.Tests.Web.Support;

namespace SdWeb.Tests.Web.Http;

/// <summary>The Users page's row actions, posted as a browser posts them, against the real app.</summary>
[Collection(AppCollection.Name)]
[Layer(Layer.Web)]
public class AccountAdministrationPageTests(SdWebApp app)
{
    /// <summary>Posts one row action of the Users page (its forms are scoped by the account's id); answers the page shown.</summary>
    private async Task<string> ActOnPageAsync(HttpClient admin, string userName, string action, params (string, string)[] fields)
    {
        var response = await SdWebApp.PostFormAsync(admin, "/Account/Users", $"[{await app.UserIdAsync(userName)}]{action}", fields);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private async Task<AppUser?> FindAsync(string userName)
    {
        using var scope = app.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>().FindByNameAsync(userName);
    }

    [Fact]
    public async Task AMembersPostsToTheRowActionsChangeNothing()
    {
        await app.MemberAsync("row-target");
        var member = await app.MemberAsync("row-intruder");
        var target = await app.UserIdAsync("row-target");
        foreach (var (action, fields) in new (string, (string, string)[])[]
                 {
                     ("make-admin", []), ("lock", []), ("delete", []), ("password", [("NewPassword", "taken over by intruder")]),
                 })
        {
            // A member cannot load the Users page, so the token comes from a page they can see.
            var response = await SdWebApp.PostFormAsync(member, "/Account/AccessDenied", $"[{target}]{action}", "/Account/Users", fields);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("/Account/AccessDenied", response.Headers.Location!.PathAndQuery);
        }

        var user = (await FindAsync("row-target"))!;
        Assert.False(user.IsAdmin);
        Assert.Null(user.LockoutEnd);
        Assert.Equal(HttpStatusCode.Redirect, (await SdWebApp.LogInAsync(app.NewClient(), "row-target", SdWebApp.Password)).StatusCode);
    }

    [Fact]
    public async Task ALockedMemberIsSignedOutAndCannotLogInUntilUnlocked()
    {
        var member = await app.MemberAsync("row-locked");
        Assert.Equal(HttpStatusCode.OK, (await member.GetAsync("/gallery")).StatusCode);
        var admin = await app.AdminAsync();

        Assert.Contains("row-locked is locked: they cannot sign in, and their open sessions end shortly.",
            await ActOnPageAsync(admin, "row-locked", "lock"));

        var rejected = await member.GetAsync("/gallery");
        Assert.Equal(HttpStatusCode.Redirect, rejected.StatusCode);
        Assert.StartsWith("/Account/Login", rejected.Headers.Location!.PathAndQuery);
        var login = await SdWebApp.LogInAsync(app.NewClient(), "row-locked", SdWebApp.Password);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Contains("This account is locked by an administrator. Ask an administrator to unlock it.", await login.Content.ReadAsStringAsync());

        Assert.Contains("row-locked is unlocked and can sign in again.", await ActOnPageAsync(admin, "row-locked", "unlock"));
        Assert.Equal(HttpStatusCode.Redirect, (await SdWebApp.LogInAsync(app.NewClient(), "row-locked", SdWebApp.Password)).StatusCode);
    }

    [Fact]
    public async Task AnAdminPromotesAndDemotesAndTheDemotedAdminLosesTheUsersPage()
    {
        var member = await app.MemberAsync("row-promoted");
        var admin = await app.AdminAsync();

        Assert.Contains("row-promoted is now an administrator.", await ActOnPageAsync(admin, "row-promoted", "make-admin"));
        Assert.True((await FindAsync("row-promoted"))!.IsAdmin);
        // Their session (issued to a member) ended; a new login carries the admin role.
        Assert.Equal(HttpStatusCode.Redirect, (await member.GetAsync("/gallery")).StatusCode);
        var promoted = app.NewClient();
        await SdWebApp.LogInAsync(promoted, "row-promoted", SdWebApp.Password);
        Assert.Equal(HttpStatusCode.OK, (await promoted.GetAsync("/Account/Users")).StatusCode);

        Assert.Contains("row-promoted is now a member.", await ActOnPageAsync(admin, "row-promoted", "make-member"));
        var rejected = await promoted.GetAsync("/Account/Users");
        Assert.Equal(HttpStatusCode.Redirect, rejected.StatusCode);
        Assert.StartsWith("/Account/Login", rejected.Headers.Location!.PathAndQuery);
    }

    [Fact]
    public async Task AnAdminSetsANewPasswordAndRuleBreakingOnesAreShownInTheRow()
    {
        await app.MemberAsync("row-forgetful");
        var admin = await app.AdminAsync();

        var refused = await ActOnPageAsync(admin, "row-forgetful", "password", ("NewPassword", "short"));
        Assert.Contains("<div class=\"account-error\" role=\"alert\">Passwords must be at least 8 characters.</div>", refused);

        Assert.Contains("row-forgetful has a new password.", await ActOnPageAsync(admin, "row-forgetful", "password", ("NewPassword", "a brand new password")));
        Assert.Contains("Wrong user name or password.",
            await (await SdWebApp.LogInAsync(app.NewClient(), "row-forgetful", SdWebApp.Password)).Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Redirect, (await SdWebApp.LogInAsync(app.NewClient(), "row-forgetful", "a brand new password")).StatusCode);
    }

    [Fact]
    public async Task AnAdminDeletesAnAccountWithoutWorkButNotOneThatOwnsAJob()
    {
        await app.MemberAsync("row-idle");
        await app.MemberAsync("row-busy");
        using (var scope = app.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            db.Jobs.Add(new GenerationJob { UserId = await app.UserIdAsync("row-busy"), Prompt = "a lighthouse", Sampler = "euler", ModelName = "tiny" });
            await db.SaveChangesAsync();
        }
        var admin = await app.AdminAsync();

        Assert.Contains("row-busy owns jobs or images, which the gallery keeps. Lock the account instead of deleting it.",
            await ActOnPageAsync(admin, "row-busy", "delete"));
        Assert.NotNull(await FindAsync("row-busy"));

        var userId = await app.UserIdAsync("row-idle");
        var deleted = await ActOnPageAsync(admin, "row-idle", "delete");
        Assert.Contains("The account row-idle is deleted.", deleted);
        Assert.DoesNotContain(userId, deleted);
        Assert.Null(await FindAsync("row-idle"));
    }

    [Fact]
    public async Task TheAdminsOwnRowOffersNoActions()
    {
        await app.MemberAsync("row-listed");
        var admin = await app.AdminAsync();
        var page = await (await admin.GetAsync("/Account/Users")).Content.ReadAsStringAsync();
        Assert.Contains("(you)", page);
        Assert.DoesNotContain($"[{await app.UserIdAsync("admin")}]", page);
        Assert.Contains($"[{await app.UserIdAsync("row-listed")}]lock", page);
    }
}
