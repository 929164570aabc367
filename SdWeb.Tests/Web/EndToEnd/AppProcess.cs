using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SdWeb.Tests.Web.EndToEnd;

/// <summary>
/// The real app as its own process (<c>dotnet SdWeb.dll --urls … --SdWeb:DataDir=… --SdWeb:ModelsDir=…</c>) on a free
/// loopback port; its output is kept for failure messages. Disposing kills it.
/// </summary>
public sealed class AppProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private AppProcess(Process process, string url)
    {
        _process = process;
        Url = url;
    }

    public string Url { get; }

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <param name="settings">More command-line settings, e.g. <c>--SdWeb:Threads=1</c>.</param>
    /// <remarks>
    /// fp32, not the app's default <c>auto</c>: auto calibrates per machine (and may pick bf16 compute), which the
    /// calibration's own tests check; these tests check the app. Without the shipped demo package, so that an empty models
    /// folder gets the random tiny model, whose any-size, any-prompt behaviour these tests rely on;
    /// <see cref="StartFirstRunAsync"/> is a true first run.
    /// </remarks>
    public static Task<AppProcess> StartAsync(string dataDir, string modelsDir, TimeSpan startTimeout, params string[] settings) =>
        StartWithAsync(dataDir, modelsDir, startTimeout, [WithoutDemoPackage(dataDir), .. settings]);

    /// <summary>The app as a newcomer starts it: the trained demo model it ships is installed into the empty models folder.</summary>
    public static Task<AppProcess> StartFirstRunAsync(string dataDir, string modelsDir, TimeSpan startTimeout) =>
        StartWithAsync(dataDir, modelsDir, startTimeout, []);

    /// <summary>Points the app at a package folder that does not exist, so it falls back to random weights.</summary>
    public static string WithoutDemoPackage(string dataDir) => $"--SdWeb:DemoModelDir={Path.Combine(dataDir, "no-demo-package")}";

    private static async Task<AppProcess> StartWithAsync(string dataDir, string modelsDir, TimeSpan startTimeout, string[] settings)
    {
        var url = $"http://127.0.0.1:{FreePort()}";
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        string[] args = [Path.Combine(AppContext.BaseDirectory, "SdWeb.dll"), "--urls", url,
            $"--SdWeb:DataDir={dataDir}", $"--SdWeb:ModelsDir={modelsDir}", "--SdWeb:DType=fp32", .. settings];
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";

        var app = new AppProcess(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start"), url);
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Collect(string? line)
        {
            if (line is null) return;
            lock (app._output) app._output.AppendLine(line);
            if (line.Contains("Now listening on", StringComparison.Ordinal)) listening.TrySetResult();
        }
        app._process.OutputDataReceived += (_, e) => Collect(e.Data);
        app._process.ErrorDataReceived += (_, e) => Collect(e.Data);
        app._process.BeginOutputReadLine();
        app._process.BeginErrorReadLine();

        var exited = app._process.WaitForExitAsync();
        if (await Task.WhenAny(listening.Task, exited, Task.Delay(startTimeout)) != listening.Task)
        {
            app.Dispose();
            throw new InvalidOperationException($"The app did not start listening within {startTimeout}. Its output:\n{app.Output}");
        }
        return app;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>SIGKILL, as a crash or a pulled plug: the process closes nothing cleanly.</summary>
    public void Kill()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}
