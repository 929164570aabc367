using System.Diagnostics;
using System.Net;
using SdWeb.Tests.Support;
using SdWeb.Tests.Web.EndToEnd;

namespace SdWeb.Tests.Cli;

/// <summary>The built executable: a mistyped verb fails at once, and host settings still start the web app.</summary>
[Layer(Layer.Web)]
public class ProgramEntryTests
{
    [Fact]
    public async Task AnUnknownVerbExitsWithAUsageErrorInsteadOfStartingTheWebApp()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "SdWeb.dll"));
        start.ArgumentList.Add("frobnicate");
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEndAsync();
        // A web host would never exit; the limit only turns that into a failure instead of a hung run.
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try { await process.WaitForExitAsync(limit.Token); }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"'SdWeb frobnicate' did not exit; it printed:\n{await output}");
        }
        Assert.Equal(2, process.ExitCode);
        Assert.StartsWith("error: unknown command 'frobnicate'.", await error);
    }

    [Fact]
    public async Task HostSettingsOnTheCommandLineStillStartTheWebApp()
    {
        using var dir = new TempDir();
        using var app = await AppProcess.StartAsync(dir["data"], dir["models"], TimeSpan.FromMinutes(3));
        using var http = new HttpClient();
        var response = await http.GetAsync($"{app.Url}/Account/Login");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(Directory.Exists(dir["data"]), "--SdWeb:DataDir reached the app's configuration");
    }
}
