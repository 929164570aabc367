using System.Diagnostics;
using System.Globalization;
using System.Text;
using SdWeb.Scaling;
using SdWeb.Tests.Web.EndToEnd;

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
            $"--SdWeb:ModelsDir={modelsDir}", "--SdWeb:Device=cpu", "--SdWeb:DType=fp32", "--SdWeb:Threads=1",
            AppProcess.WithoutDemoPackage(dataDir), .. settings];
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

    /// <summary>
    /// SIGSTOP: the process freezes where it is, its job claimed and its lease held (until the lease runs out), so a test
    /// can order events around a running job instead of racing it. <see cref="Resume"/> lets it go on.
    /// </summary>
    public void Suspend() => Signal("STOP");

    /// <summary>SIGCONT after <see cref="Suspend"/>.</summary>
    public void Resume() => Signal("CONT");

    private void Signal(string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", _process.Id.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        if (kill.ExitCode != 0) throw new InvalidOperationException($"kill -{signal} {_process.Id} failed ({kill.ExitCode})");
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}
