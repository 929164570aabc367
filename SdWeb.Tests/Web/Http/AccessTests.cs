using System.Net;
using SdWeb.Tests.Web.Support;

namespace SdWeb.Tests.Web.Http;

[Collection(AppCollection.Name)]
[Layer(Layer.Web)]
public class AccessTests(SdWebApp app)
{
    [Theory]
    [InlineData("/")]
    [InlineData("/gallery")]
    [InlineData("/generate")]
    [InlineData("/images/6b1c0a52-3a4e-4f59-9d55-1d5b2a3f0c11")]
    [InlineData("/Account/Users")]
    public async Task PagesSendAnonymousVisitorsToTheLoginForm(string path)
    {
        var response = await app.NewClient().GetAsync(path);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"/Account/Login?ReturnUrl={Uri.EscapeDataString(path)}", response.Headers.Location!.PathAndQuery);
    }

    [Theory]
    [InlineData("GET", "/api/images/6b1c0a52-3a4e-4f59-9d55-1d5b2a3f0c11")]
    [InlineData("GET", "/api/images/6b1c0a52-3a4e-4f59-9d55-1d5b2a3f0c11/thumb")]
    [InlineData("DELETE", "/api/images/6b1c0a52-3a4e-4f59-9d55-1d5b2a3f0c11")]
    [InlineData("POST", "/api/jobs")]
    [InlineData("POST", "/hubs/progress/negotiate?negotiateVersion=1")]
    public async Task ApiAndHubAnswerAnonymousCallersWith401(string method, string path)
    {
        var response = await app.NewClient().SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("/Account/Login")]
    [InlineData("/Account/Register")]
    [InlineData("/app.css")]
    [InlineData("/_content/MudBlazor/MudBlazor.min.css")]
    public async Task TheLoginPagesAndStaticAssetsAreOpen(string path) =>
        Assert.Equal(HttpStatusCode.OK, (await app.NewClient().GetAsync(path)).StatusCode);

    [Fact]
    public async Task RegistrationWithoutInviteIsRefusedOnceSomeoneExists()
    {
        var response = await SdWebApp.PostFormAsync(app.NewClient(), "/Account/Register", "register",
            ("Input.UserName", "mallory"), ("Input.Password", SdWebApp.Password), ("Input.ConfirmPassword", SdWebApp.Password));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Registration needs a valid invite link.", await response.Content.ReadAsStringAsync());
        var login = await SdWebApp.LogInAsync(app.NewClient(), "mallory", SdWebApp.Password);
        Assert.Contains("Wrong user name or password.", await login.Content.ReadAsStringAsync());
    }

    [Fact]
    public void CookieKeysAreKeptWithTheDataSoLoginsSurviveARestart() =>
        Assert.NotEmpty(Directory.EnumerateFiles(app.Dir["data/keys"], "key-*.xml"));

    [Fact]
    public async Task AFormPostWithoutTheAntiforgeryTokenIsRejected()
    {
        var response = await app.NewClient().PostAsync("/Account/Login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login", ["Input.UserName"] = "admin", ["Input.Password"] = SdWebApp.Password,
        }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task WrongPasswordsLockTheAccountAfterFiveAttempts()
    {
        await app.MemberAsync("lockme");
        var client = app.NewClient();
        for (int i = 0; i < 5; i++)
        {
            var wrong = await SdWebApp.LogInAsync(client, "lockme", "wrong password");
            Assert.Contains(i < 4 ? "Wrong user name or password." : "This account is locked", await wrong.Content.ReadAsStringAsync());
        }
        var right = await SdWebApp.LogInAsync(client, "lockme", SdWebApp.Password);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Contains("This account is locked after too many failed attempts. Try again in a few minutes.", await right.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task LoginRedirectsToTheLocalReturnUrlOnly()
    {
        var client = app.NewClient();
        await client.GetAsync("/Account/Login?ReturnUrl=%2F%2Fevil.example");
        var response = await SdWebApp.PostFormAsync(client, "/Account/Login?ReturnUrl=%2F%2Fevil.example", "login",
            ("Input.UserName", "admin"), ("Input.Password", SdWebApp.Password));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("http://localhost/", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task OnlyAdminsSeeTheUsersPage()
    {
        var admin = await app.AdminAsync();
        var page = await admin.GetAsync("/Account/Users");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("New invite link", await page.Content.ReadAsStringAsync());

        var member = await app.MemberAsync("member-users");
        var denied = await member.GetAsync("/Account/Users");
        Assert.Equal(HttpStatusCode.Redirect, denied.StatusCode);
        Assert.StartsWith("/Account/AccessDenied", denied.Headers.Location!.PathAndQuery);
    }

    [Fact]
    public async Task AdminCreatesAccountsAndInvitesFromTheUsersPage()
    {
        var admin = await app.AdminAsync();
        var created = await SdWebApp.PostFormAsync(admin, "/Account/Users", "create-account",
            ("NewAccount.UserName", "made-by-admin"), ("NewAccount.Password", SdWebApp.Password));
        Assert.Contains("Account &quot;made-by-admin&quot; created.", await created.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Redirect, (await SdWebApp.LogInAsync(app.NewClient(), "made-by-admin", SdWebApp.Password)).StatusCode);

        var invited = await SdWebApp.PostFormAsync(admin, "/Account/Users", "invite");
        Assert.Matches("/Account/Register\\?invite=[0-9a-f]{32}", await invited.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task LogoutEndsTheSession()
    {
        var client = await app.MemberAsync("leaver");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/gallery")).StatusCode);
        // The account layout carries the logout form (with its antiforgery token) for a signed-in user.
        var logout = await SdWebApp.PostFormAsync(client, "/Account/AccessDenied", formName: null, postUrl: "/Account/Logout");
        Assert.Equal("/Account/Login", logout.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/gallery")).StatusCode);
    }
}
