using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SdWeb.Data;
using SdWeb.Engine.Loading;
using SdWeb.Engine.Pipelines;
using SdWeb.Generation;
using SdWeb.Tests.Support;
using SdWeb.Tests.Web.Support;

namespace SdWeb.Tests.Web.Hardening;

/// <summary>
/// Bad and hostile input across the forms, the API and model files (uploads: <see cref="UploadTests"/>), whatever the UI would have allowed: each case gets its
/// clear message or 401/403/404, and the database and the files are exactly as they were before it.
/// </summary>
[Collection(AppCollection.Name)]
[Layer(Layer.Hardening)]
public sealed class BadInputTests(SdWebApp app)
{
    private static readonly Guid Nobody = Guid.Parse("0b5e7f3c-9a51-4c11-8f59-5e2f4d6a7b80");

    public static TheoryData<string> Names() => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public async Task EachBadInputIsRefusedClearlyAndChangesNothing(string name)
    {
        var context = await Context.ForAsync(app);
        var before = await AppSnapshot.TakeAsync(app);
        await Cases[name](context);
        Assert.Equal(before, await AppSnapshot.TakeAsync(app));
    }

    private static readonly Dictionary<string, Func<Context, Task>> Cases = new()
    {
        // Not signed in: the API and the hub answer 401, pages send the visitor to the login form.
        ["anonymous reads a job"] = c => Expect(c.Anonymous, HttpMethod.Get, $"/api/jobs/{c.AliceJob}", HttpStatusCode.Unauthorized),
        ["anonymous submits a job"] = c => ExpectJson(c.Anonymous, "/api/jobs", ValidJob(), HttpStatusCode.Unauthorized),
        ["anonymous cancels a job"] = c => Expect(c.Anonymous, HttpMethod.Post, $"/api/jobs/{c.AliceJob}/cancel", HttpStatusCode.Unauthorized),
        ["anonymous fetches an image"] = c => Expect(c.Anonymous, HttpMethod.Get, $"/api/images/{c.AliceImage}", HttpStatusCode.Unauthorized),
        ["anonymous fetches a thumbnail"] = c => Expect(c.Anonymous, HttpMethod.Get, $"/api/images/{c.AliceImage}/thumb", HttpStatusCode.Unauthorized),
        ["anonymous deletes an image"] = c => Expect(c.Anonymous, HttpMethod.Delete, $"/api/images/{c.AliceImage}", HttpStatusCode.Unauthorized),
        ["anonymous uploads"] = c => ExpectUpload(c.Anonymous, null, "a.png", CraftedFiles.Png(64, 64), HttpStatusCode.Unauthorized),
        ["anonymous opens the progress hub"] = c => Expect(c.Anonymous, HttpMethod.Post, "/hubs/progress/negotiate?negotiateVersion=1", HttpStatusCode.Unauthorized),
        ["anonymous opens the gallery"] = c => ExpectLoginRedirect(c.Anonymous, "/gallery"),
        ["anonymous opens the generate page"] = c => ExpectLoginRedirect(c.Anonymous, "/generate"),
        ["anonymous opens an image page"] = c => ExpectLoginRedirect(c.Anonymous, $"/images/{c.AliceImage}"),
        ["anonymous opens the users page"] = c => ExpectLoginRedirect(c.Anonymous, "/Account/Users"),

        // Signed in as someone else.
        ["bob reads alice's job"] = c => Expect(c.Bob, HttpMethod.Get, $"/api/jobs/{c.AliceJob}", HttpStatusCode.Forbidden, "This job belongs to someone else."),
        ["bob cancels alice's job"] = c => Expect(c.Bob, HttpMethod.Post, $"/api/jobs/{c.AliceJob}/cancel", HttpStatusCode.Forbidden, "Only the job's owner or an admin can cancel it."),
        ["bob deletes alice's image"] = c => Expect(c.Bob, HttpMethod.Delete, $"/api/images/{c.AliceImage}", HttpStatusCode.Forbidden, "Only the image's author or an administrator may delete it."),
        ["bob reads the storage report"] = c => Expect(c.Bob, HttpMethod.Get, "/api/admin/storage", HttpStatusCode.Forbidden),
        ["anonymous reads the storage report"] = c => Expect(c.Anonymous, HttpMethod.Get, "/api/admin/storage", HttpStatusCode.Unauthorized),
        ["bob opens the users page"] = async c =>
        {
            var response = await c.Bob.GetAsync("/Account/Users");
            Assert.Equal("/Account/AccessDenied", RedirectPath(response));
        },
        ["bob posts the create-account form"] = async c =>
        {
            var response = await SdWebApp.PostFormAsync(c.Bob, "/Account/Login", "create-account", "/Account/Users",
                ("NewAccount.UserName", "intruder"), ("NewAccount.Password", SdWebApp.Password));
            Assert.Equal("/Account/AccessDenied", RedirectPath(response));
        },

        // Ids only: paths, traversal and unknown ids find nothing.
        ["image id with ../"] = c => Expect(c.Alice, HttpMethod.Get, "/api/images/..%2F..%2Fsdweb.db", HttpStatusCode.NotFound),
        ["image id as an absolute path"] = c => Expect(c.Alice, HttpMethod.Get, "/api/images/%2Fetc%2Fpasswd", HttpStatusCode.NotFound),
        ["thumbnail id with ../"] = c => Expect(c.Alice, HttpMethod.Get, "/api/images/..%2Fkeys/thumb", HttpStatusCode.NotFound),
        ["delete by a path"] = c => Expect(c.Alice, HttpMethod.Delete, "/api/images/..%2F..%2Fsdweb.db", HttpStatusCode.NotFound),
        ["image id not a guid"] = c => Expect(c.Alice, HttpMethod.Get, "/api/images/1%20OR%201=1", HttpStatusCode.NotFound),
        ["unknown image"] = c => Expect(c.Alice, HttpMethod.Get, $"/api/images/{Nobody}", HttpStatusCode.NotFound),
        ["unknown thumbnail"] = c => Expect(c.Alice, HttpMethod.Get, $"/api/images/{Nobody}/thumb", HttpStatusCode.NotFound),
        ["delete unknown image"] = c => Expect(c.Alice, HttpMethod.Delete, $"/api/images/{Nobody}", HttpStatusCode.NotFound),
        ["unknown job"] = c => Expect(c.Alice, HttpMethod.Get, $"/api/jobs/{Nobody}", HttpStatusCode.NotFound, $"No job {Nobody}."),
        ["cancel unknown job"] = c => Expect(c.Alice, HttpMethod.Post, $"/api/jobs/{Nobody}/cancel", HttpStatusCode.NotFound, $"No job {Nobody}."),
        ["job id with ../"] = c => Expect(c.Alice, HttpMethod.Get, "/api/jobs/..%2F..%2Fsdweb.db", HttpStatusCode.NotFound),

        // Job parameters out of range or hostile: the engine's rules, on the server.
        ["empty prompt"] = c => ExpectJobRefused(c, ValidJob(("prompt", "")), "No prompt given; describe the image to generate."),
        ["whitespace prompt"] = c => ExpectJobRefused(c, ValidJob(("prompt", " \n\t ")), "No prompt given; describe the image to generate."),
        ["prompt over the hard limit"] = c => ExpectJobRefused(c, ValidJob(("prompt", new string('a', 2001))), "Prompt 1 is 2001 characters long; the limit is 2000."),
        ["huge prompt"] = c => ExpectJobRefused(c, ValidJob(("prompt", new string('x', 200_000))), "Prompt 1 is 200000 characters long; the limit is 2000."),
        ["negative prompt over the limit"] = c => ExpectJobRefused(c, ValidJob(("negativePrompt", new string('b', 2500))), "Negative prompt 1 is 2500 characters long; the limit is 2000."),
        ["zero steps"] = c => ExpectJobRefused(c, ValidJob(("steps", 0)), "Steps must be between 1 and 1000, not 0."),
        ["negative steps"] = c => ExpectJobRefused(c, ValidJob(("steps", -5)), "Steps must be between 1 and 1000, not -5."),
        ["too many steps"] = c => ExpectJobRefused(c, ValidJob(("steps", 1001)), "Steps must be between 1 and 1000, not 1001."),
        ["negative CFG"] = c => ExpectJobRefused(c, ValidJob(("cfgScale", -1)), "CFG scale must be between 0 and 50, not -1."),
        ["CFG too high"] = c => ExpectJobRefused(c, ValidJob(("cfgScale", 1e9)), "CFG scale must be between 0 and 50, not 1000000000."),
        ["zero width"] = c => ExpectJobRefused(c, ValidJob(("width", 0)), "Width must be a positive multiple of 8, not 0."),
        ["negative height"] = c => ExpectJobRefused(c, ValidJob(("height", -64)), "Height must be a positive multiple of 8, not -64."),
        ["width not a multiple of 8"] = c => ExpectJobRefused(c, ValidJob(("width", 63)), "Width must be a positive multiple of 8, not 63."),
        ["over the pixel budget"] = c => ExpectJobRefused(c, ValidJob(("width", 2048), ("height", 2048)), "2048x2048 is 4194304 pixels, more than the budget of 1048576; make the image smaller."),
        ["absurd size"] = c => ExpectJobRefused(c, ValidJob(("width", 2_000_000_000), ("height", 2_000_000_000)), "more than the budget of 1048576"),
        ["zero images"] = c => ExpectJobRefused(c, ValidJob(("imageCount", 0)), "Images per prompt must be at least 1, not 0."),
        ["too many images"] = c => ExpectJobRefused(c, ValidJob(("imageCount", 17)), "1 prompt(s) × 17 image(s) = 17 images; at most 16 per job."),
        ["negative seed"] = c => ExpectJobRefused(c, ValidJob(("seed", -1)), "Seed must be 0 or more (or left empty for a random one), not -1."),
        ["unknown sampler"] = c => ExpectJobRefused(c, ValidJob(("sampler", "rm -rf /")), "Unknown sampler 'rm -rf /'."),
        ["model path with ../"] = c => ExpectJobRefused(c, ValidJob(("model", "../../etc/passwd")), "Unknown model '../../etc/passwd'."),
        ["model as an absolute path"] = c => ExpectJobRefused(c, ValidJob(("model", "/etc/passwd")), "Unknown model '/etc/passwd'."),
        ["model outside the folder next to it"] = c => ExpectJobRefused(c, ValidJob(("model", "../bad-models/random.safetensors")), "Unknown model '../bad-models/random.safetensors'."),
        ["pickle checkpoint as model"] = c => ExpectJobRefused(c, ValidJob(("model", "model.ckpt")), "Unknown model 'model.ckpt'."),
        ["missing source image"] = c => ExpectJobRefused(c, ValidJob(("sourceImageId", Nobody)), $"Source image {Nobody} does not exist"),
        ["strength zero"] = c => ExpectJobRefused(c, ValidJob(("sourceImageId", c.AliceImage), ("strength", 0)), "Strength must be in (0, 1], not 0."),
        ["strength above one"] = c => ExpectJobRefused(c, ValidJob(("sourceImageId", c.AliceImage), ("strength", 1.5)), "Strength must be in (0, 1], not 1.5."),
        ["steps as text"] = c => ExpectRawJson(c, """{"prompt":"a fox","steps":"many"}"""),
        ["steps overflowing int"] = c => ExpectRawJson(c, """{"prompt":"a fox","steps":1e20}"""),
        ["malformed JSON"] = c => ExpectRawJson(c, """{"prompt":"a fox", """),
        ["JSON null body"] = c => ExpectRawJson(c, "null"),
        ["form-encoded job"] = async c =>
        {
            var response = await c.Alice.PostAsync("/api/jobs", new FormUrlEncodedContent([new("prompt", "a fox")]));
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        },

        // Forms: antiforgery, odd values, invites.
        ["login without antiforgery token"] = async c =>
        {
            var response = await c.Anonymous.PostAsync("/Account/Login", new FormUrlEncodedContent(
                [new("_handler", "login"), new("Input.UserName", "hx-alice"), new("Input.Password", SdWebApp.Password)]));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        },
        ["logout without antiforgery token"] = async c =>
        {
            var response = await c.Alice.PostAsync("/Account/Logout", new FormUrlEncodedContent([new("returnUrl", "/")]));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        },
        ["login with a huge unknown user name"] = async c =>
        {
            var response = await SdWebApp.LogInAsync(c.NewAnonymous(), new string('u', 10_000), "whatever password");
            Assert.Contains("Wrong user name or password.", await response.Content.ReadAsStringAsync());
        },
        ["login with a script user name"] = async c =>
        {
            var response = await SdWebApp.LogInAsync(c.NewAnonymous(), "<script>alert(1)</script>", "whatever password");
            var page = await response.Content.ReadAsStringAsync();
            Assert.Contains("Wrong user name or password.", page);
            Assert.DoesNotContain("<script>alert(1)</script>", page);
        },
        ["register with a forged invite"] = async c =>
        {
            var response = await SdWebApp.PostFormAsync(c.NewAnonymous(), "/Account/Register?invite=..%2F..%2Fadmin", "register",
                ("Input.UserName", "forger"), ("Input.Password", SdWebApp.Password), ("Input.ConfirmPassword", SdWebApp.Password));
            Assert.Contains("Registration needs a valid invite link.", await response.Content.ReadAsStringAsync());
        },

        // Prompts are shown as text, never as markup.
        ["script prompt on the image page"] = async c =>
        {
            var page = await c.Alice.GetStringAsync($"/images/{c.XssImage}");
            Assert.Contains("&lt;script&gt;alert(&#x27;xss&#x27;)&lt;/script&gt;", page);
            Assert.DoesNotContain("<script>alert('xss')", page);
        },

        // Model files: the loader refuses what is not a sound safetensors model, saying which file and why.
        ["random bytes as safetensors"] = c => ExpectModelRefused(c, "random.safetensors", "random.safetensors: "),
        ["truncated safetensors"] = c => ExpectModelRefused(c, "truncated.safetensors", "the file is truncated or corrupt"),
        ["safetensors header longer than the file"] = c => ExpectModelRefused(c, "huge-header.safetensors", "truncated file: the header says 50000 bytes"),
        ["safetensors with broken JSON"] = c => ExpectModelRefused(c, "bad-json.safetensors", "malformed header JSON"),
        ["empty safetensors"] = c => ExpectModelRefused(c, "empty.safetensors", "truncated file (0 bytes), too short for a safetensors header."),
        ["pickle checkpoint"] = c => ExpectModelRefused(c, "model.ckpt", "a PyTorch pickle checkpoint, which SdWeb never loads"),
        ["raw pickle named safetensors"] = c => ExpectModelRefused(c, "pickle.safetensors", "a PyTorch pickle checkpoint, which SdWeb never loads"),
        ["model name leaving the models folder"] = c =>
        {
            var e = Assert.Throws<ModelLoadException>(() => SdWeb.Engine.Loading.ModelCatalog.Resolve(c.App.Dir["models"], "../bad-models/random.safetensors"));
            Assert.Contains("points outside the models folder", e.Message);
            return Task.CompletedTask;
        },
    };

    private static Dictionary<string, object?> ValidJob(params (string Name, object? Value)[] changes)
    {
        var job = new Dictionary<string, object?> { ["prompt"] = "a red fox", ["steps"] = 2, ["width"] = 64, ["height"] = 64, ["seed"] = 1 };
        foreach (var (name, value) in changes) job[name] = value;
        return job;
    }

    private static async Task Expect(HttpClient client, HttpMethod method, string url, HttpStatusCode status, string? message = null)
    {
        var response = await client.SendAsync(new HttpRequestMessage(method, url));
        await HttpAnswer.AssertAsync(response, status, message);
    }

    private static async Task ExpectJson(HttpClient client, string url, object body, HttpStatusCode status, string? message = null) =>
        await HttpAnswer.AssertAsync(await client.PostAsJsonAsync(url, body), status, message);

    private static Task ExpectJobRefused(Context c, Dictionary<string, object?> body, string message) =>
        ExpectJson(c.Alice, "/api/jobs", body, HttpStatusCode.BadRequest, message);

    private static async Task ExpectRawJson(Context c, string json)
    {
        var response = await c.Alice.PostAsync("/api/jobs", new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private static async Task ExpectLoginRedirect(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        Assert.Equal("/Account/Login", RedirectPath(response));
    }

    private static string RedirectPath(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return new Uri(new Uri("http://localhost"), response.Headers.Location!).AbsolutePath;
    }

    private static async Task ExpectUpload(HttpClient client, string? token, string fileName, byte[] bytes, HttpStatusCode status) =>
        await HttpAnswer.AssertAsync(await ImageUpload.PostAsync(client, token, fileName, bytes), status, null);

    private static Task ExpectModelRefused(Context c, string file, string message)
    {
        var factory = c.App.Services.GetRequiredService<IPipelineFactory>();
        var e = Assert.ThrowsAny<ModelLoadException>(() => factory.Load(Path.Combine(c.BadModels, file)).Dispose());
        Assert.Contains(file, e.Message);
        Assert.Contains(message, e.Message);
        return Task.CompletedTask;
    }

    /// <summary>Clients for each role and the things they aim at, made once per app.</summary>
    private sealed class Context
    {
        private static readonly SemaphoreSlim Gate = new(1);
        private static Context? _current;

        public required SdWebApp App { get; init; }
        public required HttpClient Anonymous { get; init; }
        public required HttpClient Alice { get; init; }
        public required HttpClient Bob { get; init; }
        public required Guid AliceJob { get; init; }
        public required Guid AliceImage { get; init; }
        public required Guid XssImage { get; init; }
        public required string BadModels { get; init; }

        public HttpClient NewAnonymous() => App.NewClient();

        public static async Task<Context> ForAsync(SdWebApp app)
        {
            await Gate.WaitAsync();
            try
            {
                if (_current?.App != app) _current = await CreateAsync(app);
                return _current;
            }
            finally
            {
                Gate.Release();
            }
        }

        private static async Task<Context> CreateAsync(SdWebApp app)
        {
            var alice = await app.MemberAsync("hx-alice");
            var bob = await app.MemberAsync("hx-bob");
            var token = await SdWebApp.AntiforgeryTokenAsync(alice, "/Account/Login");

            var aliceImage = await UploadAsync(alice, token);
            var xssImage = await UploadAsync(alice, token);
            var aliceJob = JobRequests.ToJob(new JobRequest { Prompt = "alice's waiting job" }, await app.UserIdAsync("hx-alice"), "tiny-sd");
            using (var scope = app.Services.CreateScope())
            {
                // A waiting job of alice's, stored as the submitter stores it (this host runs no engine).
                var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
                db.Jobs.Add(aliceJob);
                await db.SaveChangesAsync();
                await db.Images.Where(i => i.Id == xssImage).ExecuteUpdateAsync(s => s.SetProperty(i => i.Prompt, "<script>alert('xss')</script>"));
            }

            var bad = Path.Combine(app.Dir.Path, "bad-models");
            Directory.CreateDirectory(bad);
            File.WriteAllBytes(Path.Combine(bad, "random.safetensors"), Enumerable.Range(0, 4096).Select(i => (byte)(i * 7919 >> 3)).ToArray());
            var tiny = File.ReadAllBytes(Golden.TinySdCheckpoint);
            File.WriteAllBytes(Path.Combine(bad, "truncated.safetensors"), tiny[..(tiny.Length / 2)]);
            File.WriteAllBytes(Path.Combine(bad, "huge-header.safetensors"), CraftedFiles.SafetensorsWithHugeHeader());
            File.WriteAllBytes(Path.Combine(bad, "bad-json.safetensors"), CraftedFiles.SafetensorsWithBadJson());
            File.WriteAllBytes(Path.Combine(bad, "empty.safetensors"), []);
            File.WriteAllBytes(Path.Combine(bad, "model.ckpt"), CraftedFiles.PickleCheckpoint());
            File.WriteAllBytes(Path.Combine(bad, "pickle.safetensors"), CraftedFiles.RawPickle());
            Directory.CreateDirectory(app.Dir["models"]);
            File.WriteAllBytes(Path.Combine(app.Dir["models"], "model.ckpt"), CraftedFiles.PickleCheckpoint());

            return new Context
            {
                App = app, Anonymous = app.NewClient(), Alice = alice, Bob = bob,
                AliceJob = aliceJob.Id, AliceImage = aliceImage, XssImage = xssImage, BadModels = bad,
            };
        }

        private static async Task<Guid> UploadAsync(HttpClient client, string token)
        {
            var response = await ImageUpload.PostAsync(client, token, "source.png", CraftedFiles.Png(64, 64));
            Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        }
    }
}
