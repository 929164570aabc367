using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SdWeb.Auth;
using SdWeb.Data;
using SdWeb.Tests.Support;

namespace SdWeb.Tests.Web.Support;

/// <summary>
/// The real app in process (TestServer) on a temp data folder, with its background services (the engine worker) left out.
/// The first account, "admin", is registered through the form when the fixture starts.
/// Every request rechecks its session's security stamp (the app does so once a minute).
/// </summary>
public sealed partial class SdWebApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string Password = "correct horse battery";
    public TempDir Dir { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("SdWeb:DataDir", Dir["data"]);
        builder.UseSetting("SdWeb:ModelsDir", Dir["models"]);
        builder.UseSetting("SdWeb:DemoModelDir", Dir["no-demo-package"]); // the random demo model, not the shipped one
        builder.UseSetting("SdWeb:DType", "fp32"); // not auto's per-machine calibration: these tests check the app
        builder.ConfigureServices(services =>
        {
            foreach (var worker in services.Where(d => d.ServiceType == typeof(IHostedService)
                         && d.ImplementationType?.Assembly == typeof(Program).Assembly).ToList())
                services.Remove(worker);
        });
        // Sessions recheck the security stamp on every request, so an admin's change reaches a signed-in client at once.
        builder.ConfigureTestServices(services =>
            services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.Zero));
    }

    public async Task InitializeAsync()
    {
        var admin = NewClient();
        var response = await PostFormAsync(admin, "/Account/Register", "register",
            ("Input.UserName", "admin"), ("Input.Password", Password), ("Input.ConfirmPassword", Password));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    public new async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Dir.Dispose();
    }

    public HttpClient NewClient() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    public async Task<HttpClient> AdminAsync()
    {
        var client = NewClient();
        await LogInAsync(client, "admin", Password);
        return client;
    }

    /// <summary>A new member, invited by the admin, registered and logged in.</summary>
    public async Task<HttpClient> MemberAsync(string userName)
    {
        using var scope = Services.CreateScope();
        var adminId = (await scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>().FindByNameAsync("admin"))!.Id;
        var invite = await scope.ServiceProvider.GetRequiredService<AccountService>().CreateInviteAsync(adminId);
        var client = NewClient();
        var response = await PostFormAsync(client, $"/Account/Register?invite={invite.Token}", "register",
            ("Input.UserName", userName), ("Input.Password", Password), ("Input.ConfirmPassword", Password));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return client;
    }

    public async Task<string> UserIdAsync(string userName)
    {
        using var scope = Services.CreateScope();
        return (await scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>().FindByNameAsync(userName))!.Id;
    }

    public static Task<HttpResponseMessage> LogInAsync(HttpClient client, string userName, string password) =>
        PostFormAsync(client, "/Account/Login", "login", ("Input.UserName", userName), ("Input.Password", password));

    /// <summary>Loads the form page, then posts the fields with the page's antiforgery token, as a browser does.</summary>
    public static Task<HttpResponseMessage> PostFormAsync(HttpClient client, string url, string formName, params (string Name, string Value)[] fields) =>
        PostFormAsync(client, url, formName, url, fields);

    /// <summary>Loads <paramref name="pageUrl"/> for its token and posts to <paramref name="postUrl"/> (a form whose action is elsewhere).</summary>
    public static async Task<HttpResponseMessage> PostFormAsync(
        HttpClient client, string pageUrl, string? formName, string postUrl, params (string Name, string Value)[] fields)
    {
        var form = fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))
            .Append(new(AntiforgeryFieldName, await AntiforgeryTokenAsync(client, pageUrl)));
        if (formName is not null) form = form.Append(new("_handler", formName));
        return await client.PostAsync(postUrl, new FormUrlEncodedContent(form));
    }

    public const string AntiforgeryFieldName = "__RequestVerificationToken";

    /// <summary>The antiforgery token a page hands this client, as a browser would find it in the page's forms.</summary>
    public static async Task<string> AntiforgeryTokenAsync(HttpClient client, string pageUrl)
    {
        var page = await client.GetStringAsync(pageUrl);
        var token = AntiforgeryField().Match(page).Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(token), $"No antiforgery token on {pageUrl}");
        return WebUtility.HtmlDecode(token);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" (?:type=\"hidden\" )?value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
