using System.Net;
using System.Net.Http.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using SdWeb.Data;
using SdWeb.Tests.Support;
using SdWeb.Tests.Web.EndToEnd;
using SdWeb.Tests.Web.Support;

namespace SdWeb.Tests.Web.Hardening;

/// <summary>
/// A team using the real app process over HTTP, as scripts would: the first account (the admin) registers through the
/// form, the admin creates the others on the Users page, and everyone submits and reads jobs through the JSON API.
/// </summary>
public sealed class LiveTeam : IDisposable
{
    public const string Admin = "admin";
    public const string Password = "correct horse battery";
    public const string Model = "tiny-sd";

    private readonly List<HttpClient> _clients = [];

    /// <summary>A data folder and a models folder holding the tiny model; kept across app restarts.</summary>
    public TempDir Dir { get; } = new();

    public LiveTeam() => Dir.CopyFrom(Golden.TinySdFolder, Path.Combine("models", Model));

    public string DataDir => Dir["data"];

    /// <summary>One engine thread leaves the other core to the web server, as the tests measure both on a 2-core machine.</summary>
    public Task<AppProcess> StartAsync() => AppProcess.StartAsync(DataDir, Dir["models"], TimeSpan.FromMinutes(2), "--SdWeb:Threads=1");

    /// <summary>Registers the first account (it becomes admin) and creates the others; answers a signed-in client per user.</summary>
    public async Task<Dictionary<string, HttpClient>> CreateAccountsAsync(AppProcess app, IEnumerable<string> users)
    {
        var admin = NewClient(app);
        var registered = await SdWebApp.PostFormAsync(admin, "/Account/Register", "register",
            ("Input.UserName", Admin), ("Input.Password", Password), ("Input.ConfirmPassword", Password));
        Assert.Equal(HttpStatusCode.Redirect, registered.StatusCode);
        var clients = new Dictionary<string, HttpClient> { [Admin] = admin };
        foreach (var user in users)
        {
            var created = await SdWebApp.PostFormAsync(admin, "/Account/Users", "create-account",
                ("NewAccount.UserName", user), ("NewAccount.Password", Password));
            Assert.Contains($"Account \"{user}\" created.", WebUtility.HtmlDecode(await created.Content.ReadAsStringAsync()));
            clients[user] = await LogInAsync(app, user);
        }
        return clients;
    }

    public async Task<HttpClient> LogInAsync(AppProcess app, string user)
    {
        var client = NewClient(app);
        var response = await SdWebApp.LogInAsync(client, user, Password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return client;
    }

    /// <summary>Submits a small job through the API; it must be accepted (202) with an id.</summary>
    public static async Task<Guid> SubmitAsync(HttpClient client, string prompt, int steps, long seed)
    {
        var response = await client.PostAsJsonAsync("/api/jobs", new { prompt, steps, width = 64, height = 64, seed, model = Model });
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<Accepted>())!.Id;
    }

    public static async Task<JobState> ReadAsync(HttpClient client, Guid id) =>
        (await client.GetFromJsonAsync<JobState>($"/api/jobs/{id}"))!;

    /// <summary>The database as the app left it, opened directly (read-only use).</summary>
    public AppDbContext OpenDatabase() =>
        new(new DbContextOptionsBuilder<AppDbContext>().UseSqlite($"Data Source={Path.Combine(DataDir, "sdweb.db")}").Options);

    /// <summary>Image files on disk (relative to the data folder, '/'-separated) and the files the rows name.</summary>
    public async Task<(SortedSet<string> OnDisk, SortedSet<string> InRows)> ImageFilesAsync()
    {
        var images = Path.Combine(DataDir, "images");
        var onDisk = new SortedSet<string>(Directory.Exists(images)
            ? Directory.EnumerateFiles(images, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(DataDir, f).Replace('\\', '/'))
            : [], StringComparer.Ordinal);
        await using var db = OpenDatabase();
        var rows = await db.Images.Select(i => new { i.FilePath, i.ThumbPath }).ToListAsync();
        return (onDisk, new SortedSet<string>(rows.SelectMany(r => new[] { r.FilePath, r.ThumbPath }), StringComparer.Ordinal));
    }

    private HttpClient NewClient(AppProcess app)
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false })
        {
            BaseAddress = new Uri(app.Url),
            Timeout = TimeSpan.FromSeconds(60),
        };
        _clients.Add(client);
        return client;
    }

    public void Dispose()
    {
        foreach (var client in _clients) client.Dispose();
        SqliteConnection.ClearAllPools();
        Dir.Dispose();
    }

    private sealed record Accepted(Guid Id);
}

/// <summary>The fields of <c>GET /api/jobs/{id}</c> these tests read.</summary>
public sealed record JobState(Guid Id, string Status, string? Error, IReadOnlyList<Guid> ImageIds)
{
    public bool Finished => Status is "Succeeded" or "Failed" or "Cancelled";
}
