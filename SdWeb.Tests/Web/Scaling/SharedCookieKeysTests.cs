using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SdWeb.Scaling;
using SdWeb.Tests.Support;
using SdWeb.Tests.Web.Support;
using StackExchange.Redis;

namespace SdWeb.Tests.Web.Scaling;

/// <summary>Two app instances on one database and one Redis, as two web nodes behind a load balancer.</summary>
[Layer(Layer.Web)]
public sealed class SharedCookieKeysTests : IDisposable
{
    private readonly TestRedisServer _redis = new();
    private readonly TempDir _dir = new();

    [Fact]
    public async Task ASessionCookieFromNodeAAuthenticatesOnNodeB()
    {
        await using var nodeA = new Node(_dir, "a", _redis.Connection);
        await using var nodeB = new Node(_dir, "b", _redis.Connection);
        var browser = nodeA.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        var cookies = new CookieContainer();
        var registered = await PostWithCookiesAsync(browser, cookies, nodeA.Server.BaseAddress, "/Account/Register", "register",
            ("Input.UserName", "admin"), ("Input.Password", SdWebApp.Password), ("Input.ConfirmPassword", SdWebApp.Password));
        Assert.Equal(HttpStatusCode.Redirect, registered.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await GetWithCookiesAsync(browser, cookies, nodeA.Server.BaseAddress)).StatusCode);

        var onB = nodeB.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        var anonymous = await onB.GetAsync(new Uri("/gallery", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await GetWithCookiesAsync(onB, cookies, nodeA.Server.BaseAddress)).StatusCode);

        using var redis = await ConnectionMultiplexer.ConnectAsync(_redis.Connection);
        Assert.True(await redis.GetDatabase().KeyExistsAsync(ScalingServiceCollectionExtensions.DataProtectionKey));
    }

    /// <summary>Loads the form for its antiforgery token and posts it, keeping cookies by hand (they must be carried to node B).</summary>
    private static async Task<HttpResponseMessage> PostWithCookiesAsync(
        HttpClient client, CookieContainer cookies, Uri site, string url, string formName, params (string Name, string Value)[] fields)
    {
        using var page = new HttpRequestMessage(HttpMethod.Get, url);
        var pageResponse = await client.SendAsync(page);
        Keep(pageResponse, cookies, site);
        var html = await pageResponse.Content.ReadAsStringAsync();
        var token = System.Text.RegularExpressions.Regex.Match(html, "name=\"__RequestVerificationToken\" (?:type=\"hidden\" )?value=\"([^\"]+)\"").Groups[1].Value;
        var form = fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))
            .Append(new(SdWebApp.AntiforgeryFieldName, WebUtility.HtmlDecode(token)))
            .Append(new("_handler", formName));
        using var post = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(form) };
        post.Headers.Add("Cookie", cookies.GetCookieHeader(site));
        var response = await client.SendAsync(post);
        Keep(response, cookies, site);
        return response;
    }

    private static async Task<HttpResponseMessage> GetWithCookiesAsync(HttpClient client, CookieContainer cookies, Uri site)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/gallery");
        request.Headers.Add("Cookie", cookies.GetCookieHeader(site));
        return await client.SendAsync(request);
    }

    private static void Keep(HttpResponseMessage response, CookieContainer cookies, Uri site)
    {
        if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
            foreach (var setCookie in setCookies) cookies.SetCookies(site, setCookie);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
        _redis.Dispose();
    }

    /// <summary>One web node: the shared data folder (its database) and Redis, its own content root and no background work.</summary>
    private sealed class Node(TempDir dir, string name, string redis) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("SdWeb:DataDir", dir["data"]);
            builder.UseSetting("SdWeb:ModelsDir", dir["models"]);
            builder.UseSetting("SdWeb:DemoModelDir", dir["no-demo-package"]);
            builder.UseSetting("SdWeb:Redis", redis);
            builder.UseSetting("SdWeb:Worker:Enabled", "false");
            builder.UseEnvironment("Node-" + name);
            builder.ConfigureServices(services =>
            {
                foreach (var hosted in services.Where(d => d.ServiceType == typeof(IHostedService)
                             && d.ImplementationType?.Assembly == typeof(Program).Assembly).ToList())
                    services.Remove(hosted);
            });
        }
    }
}
