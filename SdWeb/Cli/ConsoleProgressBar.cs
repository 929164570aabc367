using SdWeb.Engine.Pipelines;

namespace SdWeb.Cli;

/// <summary>A one-line progress bar on stderr: <c>[#####.....] step 5/10  0.8 s/step  ETA 00:04</c>.</summary>
public sealed class ConsoleProgressBar(TextWriter output) : IProgress<StepProgress>
{
    private const int Width = 30;

    public void Report(StepProgress p)
    {
        double secondsPerStep = p.Step == 0 ? 0 : p.Elapsed.TotalSeconds / p.Step;
        output.Write($"\r{Bar(p.Step, p.TotalSteps)} step {p.Step}/{p.TotalSteps}  " +
                     $"{secondsPerStep:0.00} s/step  ETA {p.Eta:mm\\:ss}");
        if (p.Step == p.TotalSteps) output.WriteLine();
        output.Flush();
    }

    /// <summary>"[#####.....]" for <paramref name="done"/> of <paramref name="total"/> (full when the total is 0).</summary>
    internal static string Bar(long done, long total)
    {
        int filled = total <= 0 ? Width : (int)(Width * Math.Clamp(done, 0, total) / total);
        return $"[{new string('#', filled)}{new string('.', Width - filled)}]";
    }
}
