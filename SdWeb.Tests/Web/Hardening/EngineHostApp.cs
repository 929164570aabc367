using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using SdWeb.Engine.Pipelines;
using SdWeb.Storage;
using SdWeb.Tests.Support;
using SdWeb.Tests.Web.Support;

namespace SdWeb.Tests.Web.Hardening;

/// <summary>
/// The real app in process WITH its engine worker, on the tiny model, with faults injectable into the engine
/// (<see cref="FaultInjectingFactory"/>) and into the disk (<see cref="FillingDisk"/>).
/// </summary>
public sealed class EngineHostApp : WebApplicationFactory<Program>
{
    private readonly int _submissionBurst;

    public EngineHostApp(int submissionBurst = 20)
    {
        _submissionBurst = submissionBurst;
        Dir.CopyFrom(Golden.TinySdFolder, Path.Combine("models", LiveTeam.Model));
    }

    public TempDir Dir { get; } = new();
    public FillingDisk Disk { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production"); // as deployed; and no development-time static asset manifest needed
        builder.UseSetting("SdWeb:DataDir", Dir["data"]);
        builder.UseSetting("SdWeb:ModelsDir", Dir["models"]);
        builder.UseSetting("SdWeb:DemoModelDir", Dir["no-demo-package"]); // the random demo model, not the shipped one
        builder.UseSetting("SdWeb:DType", "fp32"); // not auto's per-machine calibration: these tests check the app
        builder.UseSetting("SdWeb:SubmissionBurst", _submissionBurst.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("SdWeb:SubmissionsPerMinute", "1");
        builder.ConfigureTestServices(services =>
        {
            var real = services.Single(d => d.ServiceType == typeof(IPipelineFactory));
            services.Remove(real);
            services.AddSingleton<IPipelineFactory>(sp => new FaultInjectingFactory((IPipelineFactory)real.ImplementationFactory!(sp)));
            services.AddSingleton<ImageFileWriter>(Disk);
        });
    }

    /// <summary>Registers the first account (the admin) through the form; answers its signed-in client.</summary>
    public async Task<HttpClient> AdminAsync()
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var response = await SdWebApp.PostFormAsync(client, "/Account/Register", "register",
            ("Input.UserName", LiveTeam.Admin), ("Input.Password", LiveTeam.Password), ("Input.ConfirmPassword", LiveTeam.Password));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return client;
    }

    public static async Task<HttpResponseMessage> SubmitAsync(HttpClient client, string prompt, string model = LiveTeam.Model) =>
        await client.PostAsJsonAsync("/api/jobs", new { prompt, steps = 2, width = 64, height = 64, seed = 3, model });

    /// <summary>Submits (it must be accepted) and waits until the job has finished; answers its final state.</summary>
    public static async Task<JobState> RunAsync(HttpClient client, string prompt, string model = LiveTeam.Model)
    {
        var response = await SubmitAsync(client, prompt, model);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var id = (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetGuid();
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (true)
        {
            var state = await LiveTeam.ReadAsync(client, id);
            if (state.Finished) return state;
            Assert.True(DateTime.UtcNow < deadline, $"job {id} still {state.Status} after 5 minutes");
            await Task.Delay(50);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Dir.Dispose();
    }
}
