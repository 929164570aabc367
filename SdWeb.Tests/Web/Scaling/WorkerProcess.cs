using System.Diagnostics;
using System.Text;
using SdWeb.Scaling;

namespace SdWeb.Tests.Web.Scaling;

/// <summary>
/// `SdWeb worker` as its own process (CPU, fp32, one engine thread) with more settings as given; its output is kept for
/// failure messages. <see cref="Kill"/> is kill -9 (no clean stop, the lease is left to run out); disposing kills it too.
/// </summary>
public sealed class WorkerProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private WorkerProcess(Process process) => _process = process;

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public static WorkerProcess Start(string dataDir, string modelsDir, params string[] settings)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = AppContext.BaseDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        string[] args = [Path.Combine(AppContext.BaseDirectory, "SdWeb.dll"), WorkerHost.Verb, $"--SdWeb:DataDir={dataDir}",
            $"--SdWeb:ModelsDir={modelsDir}", "--SdWeb:Device=cpu", "--SdWeb:DType=fp32", "--SdWeb:Threads=1", .. settings];
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        var worker = new WorkerProcess(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start"));
        void Collect(string? line)
        {
            if (line is null) return;
            lock (worker._output) worker._output.AppendLine(line);
        }
        worker._process.OutputDataReceived += (_, e) => Collect(e.Data);
        worker._process.ErrorDataReceived += (_, e) => Collect(e.Data);
        worker._process.BeginOutputReadLine();
        worker._process.BeginErrorReadLine();
        return worker;
    }

    /// <summary>SIGKILL, as a crash or a pulled plug: the process gets no chance to give its job back.</summary>
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
