using System.Globalization;
using System.Text.RegularExpressions;
using SdWeb.Cli;
using SdWeb.Engine.Benchmarks;
using SdWeb.Engine.Kernels;
using SdWeb.Engine.Pipelines;
using SdWeb.Tests.Support;

namespace SdWeb.Tests.Cli;

[Layer(Layer.Engine)]
public class BenchCommandTests
{
    public static IEnumerable<object[]> Components() => ModelBenchmark.ComponentNames.Select(k => new object[] { k });

    [Theory]
    [MemberData(nameof(Components))]
    public async Task TimesEachComponent(string component)
    {
        var output = new StringWriter();
        Assert.Equal(0, await new BenchCommand(o => new PipelineFactory(o), output).RunAsync(
            new CliArgs(["--model", Golden.TinySdFolder, "--component", component, "--size", "64", "--runs", "3", "--threads", "1", "--dtype", "fp32"]),
            CancellationToken.None));
        Assert.Matches($@"^{component} +[0-9.]+ ms min, [0-9.]+ ms median over 3 runs", output.ToString().Split('\n')[1]);
        Assert.Matches(@"GFLOP, [0-9.]+ GFLOP/s at min", output.ToString().Split('\n')[1]);
        Assert.Matches(@"\nparameters +[0-9,]+ \((text|unet|vae)\)", output.ToString());
        Assert.Matches(@"\npeak RSS +[0-9]+ MiB \([0-9.]+× the weights\)", output.ToString());
    }

    [Fact]
    public async Task TimesAWholeGeneration()
    {
        var text = await BenchTinySdPipeline("--steps", "3");
        foreach (var line in new[] { "sampling", "text encoding", "VAE decode", "preview", "peak RSS" })
            Assert.Contains("\n" + line, text);
        Assert.Matches(@"sampling +[0-9.]+ s/step \(3 steps, euler_a\), [0-9.]+ it/s", text);
        Assert.Matches(@"sampling step +[0-9.]+ ms min, [0-9.]+ ms median over 2 runs .*GFLOP/s", text);
        Assert.Matches(@"\nwhole generation +[0-9.]+ s \(text \+ 3 steps \+ decode \+ PNG, 64x64, CFG 7.5, 1 image\)", text);
        foreach (var component in new[] { "unet", "text", "vae-decode" })
            Assert.Matches($@"\nshare +{component}: [0-9]+% of the (conv|matmul) fp32 roofline", text);
    }

    /// <summary>Several generations in one process, as a server runs them: each has its own peak, none above the process's.</summary>
    [Fact]
    public async Task GivesEachOfSeveralGenerationsItsOwnPeakMemory()
    {
        var text = await BenchTinySdPipeline("--steps", "2", "--generations", "3");
        var peaks = Regex.Matches(text, @"\ngeneration (\d) +[0-9.]+ s \(text \+ steps \+ decode\), peak RSS ([0-9]+) MiB \([0-9.]+× the weights\); \.NET heap [0-9]+ MiB committed after it")
            .Select(m => (Index: int.Parse(m.Groups[1].Value), MiB: int.Parse(m.Groups[2].Value))).ToList();
        Assert.Equal([1, 2, 3], peaks.Select(p => p.Index));
        var processPeak = int.Parse(Regex.Match(text, @"\npeak RSS +([0-9]+) MiB").Groups[1].Value);
        Assert.All(peaks, p => Assert.InRange(p.MiB, 1, processPeak));
        Assert.Matches(@"sampling step +[0-9.]+ ms min, [0-9.]+ ms median over 3 runs", text); // one step after the first, × 3
    }


    [Fact]
    public void APeakWindowRestartsBelowTheProcesssPeak()
    {
        var before = PeakMemory.ResidentMiB();
        Assert.True(PeakMemory.Restart(), "this Linux lets a process reset its own peak resident set (clear_refs)");
        Assert.True(PeakMemory.WindowMiB() <= PeakMemory.ResidentMiB());
        Assert.True(PeakMemory.ResidentMiB() >= before, "the peak of the windows before the restart is kept");
    }

    [Fact]
    public async Task PrintsTheRooflinesAndTheAutoDTypeItCalibrated()
    {
        using var dataDir = new TempDir();
        var output = new StringWriter();
        Assert.Equal(0, await new BenchCommand(o => new PipelineFactory(o), output).RunAsync(
            new CliArgs(["--model", Golden.TinySdFolder, "--component", "unet", "--size", "64", "--runs", "1", "--threads", "1",
                "--device", "cpu", "--SdWeb:DataDir", dataDir.Path]),
            CancellationToken.None));
        var text = output.ToString();
        foreach (var kernel in new[] { "matmul 2048² fp32", "conv 3×3 320→320 on [2,320,64,64] fp32" })
            Assert.Matches($@"\nroofline +[0-9.]+ ms min, [0-9.]+ ms median over 1 runs \({Regex.Escape(kernel)}\); [0-9.]+ GFLOP, [0-9.]+ GFLOP/s", text);
        // bf16 at full size, or, where libtorch's bf16 is hopeless (no AVX-512), a quarter as wide with what the full size would take.
        foreach (var (full, quarter, workRatio) in new[] { ("matmul 2048² bf16", "matmul 512² bf16", 64.0), ("conv 3×3 320→320 on [2,320,64,64] bf16", "conv 3×3 320→320 on [2,320,16,16] bf16", 16.0) })
        {
            var line = Regex.Match(text, $@"\nroofline +([0-9.]+) ms min, [0-9.]+ ms median over 1 runs \(({Regex.Escape(full)}|{Regex.Escape(quarter)}; too slow here to time at full size, about ([0-9]+) s a call at this pace)\); [0-9.]+ GFLOP, [0-9.]+ GFLOP/s");
            Assert.True(line.Success, $"no {full} roofline in:\n{text}");
            if (line.Groups[3].Success) // the full-size call, as the quarter's time says, is over the 3 s the bench spends on one
                Assert.InRange(double.Parse(line.Groups[1].Value, CultureInfo.InvariantCulture) * workRatio, 3000, double.MaxValue);
        }
        Assert.Matches(@"\nshare +unet: [0-9]+% of the conv (fp32|bf16) roofline", text);
        Assert.Matches(@"\nengine +auto dtype on this CPU: (fp32|bf16|bf16-compute) \(measured now; estimated 512² UNet step fp32 [0-9]+ ms, drift 0.0e0, bf16 [0-9]+ ms, drift .*threads, libtorch", text);
        Assert.True(File.Exists(Path.Combine(dataDir.Path, "cpu-dtype-calibration.json")));
        Assert.Matches(@"\nengine +SdWeb's kernels on this CPU \((measured now|cached in [^)]*|raced earlier in this process)\): Winograd convolutions[ :]", text);
    }

    /// <summary>bf16 attention runs in SdWeb's kernel where the CPU has AVX-512 BF16 and it won this machine's race (always with
    /// --attention sdweb, never with libtorch), and the bench says which ran, and which convolutions (bf16 compute: libtorch's).</summary>
    [Theory]
    [InlineData("auto")]
    [InlineData("sdweb")]
    [InlineData("libtorch")]
    public async Task SaysWhichAttentionRan(string attention)
    {
        var output = await BenchTinySdUNet("--dtype", "bf16-compute", "--attention", attention);
        var expected = attention == "libtorch" ? "libtorch's (asked for)"
            : !Bf16FlashAttention.IsAvailable ? $"libtorch's ({Bf16FlashAttention.WhyUnavailable})"
            : attention == "auto" && RaceWinner(output, "bf16 attention") == "libtorch's" ? "libtorch's (SdWeb's bf16 kernel was not faster on this CPU)"
            : "SdWeb's AVX-512 BF16 kernel";
        Assert.Contains($"\nengine            attention: {expected}\n", output);
        Assert.Contains("\nengine            convolutions: libtorch's (Winograd runs in float32 only)\n", output);
    }

    /// <summary>In fp32 the convolutions are SdWeb's Winograd where it won this machine's race (always with --convolutions sdweb,
    /// never with libtorch), and the bench says which.</summary>
    [Theory]
    [InlineData("auto")]
    [InlineData("sdweb")]
    [InlineData("libtorch")]
    public async Task SaysWhichConvolutionsRan(string convolutions)
    {
        var output = await BenchTinySdUNet("--dtype", "fp32", "--convolutions", convolutions);
        var expected = convolutions == "libtorch" ? "libtorch's (asked for)"
            : !WinogradF43.IsAvailable ? $"libtorch's ({WinogradF43.WhyUnavailable})"
            : convolutions == "auto" && RaceWinner(output, "Winograd convolutions") == "libtorch's" ? "libtorch's (Winograd was not faster on this CPU)"
            : "SdWeb's Winograd F(4×4, 3×3) for 3×3 layers of 256+ channels";
        Assert.Contains($"\nengine            convolutions: {expected}", output);
    }

    /// <summary>Which side won a kernel family's race, as the race's log line in the bench's output says.</summary>
    private static string RaceWinner(string output, string family)
    {
        var race = Regex.Match(output, $@"\nengine +SdWeb's kernels on this CPU \((measured now|cached in [^)]*|raced earlier in this process)\): .*{family} [0-9]+ ms against libtorch's [0-9]+ ms \([0-9.]+×\): (Winograd|SdWeb's|libtorch's)");
        Assert.True(race.Success, $"no race of {family} in:\n{output}");
        return race.Groups[2].Value;
    }

    /// <summary>`bench --component unet` on tiny-sd at 64² on the CPU, one thread, one timed run, plus <paramref name="options"/>: its output.</summary>
    private static async Task<string> BenchTinySdUNet(params string[] options)
    {
        var output = new StringWriter();
        Assert.Equal(0, await new BenchCommand(o => new PipelineFactory(o), output).RunAsync(
            new CliArgs(["--model", Golden.TinySdFolder, "--component", "unet", "--size", "64", "--runs", "1", "--threads", "1",
                "--device", "cpu", .. options]),
            CancellationToken.None));
        return output.ToString().ReplaceLineEndings("\n");
    }

    /// <summary>Bad arguments are refused before any model is loaded, saying what was wrong.</summary>
    [Theory]
    [InlineData("--component unet --generations 2", "--generations is for --pipeline.")]
    [InlineData("--pipeline --generations 0", "--generations must be at least 1, not 0.")]
    [InlineData("--component unet --attention flash", "--attention must be auto, sdweb or libtorch, not 'flash'.")]
    [InlineData("--component unet --convolutions fft", "--convolutions must be auto, sdweb or libtorch, not 'fft'.")]
    [InlineData("--pipeline --steps 1", "--steps must be at least 2 for --pipeline, not 1.")]
    [InlineData("--component clip", "Unknown component 'clip'. Valid: text, unet, vae-decode, vae-encode.")]
    [InlineData("", "Give either --pipeline or --component NAME.")]
    [InlineData("--component unet --size 100", "--size must be a positive multiple of 8, not 100.")]
    public async Task RefusesBadArgumentsSayingWhy(string arguments, string message)
    {
        var args = new[] { "--model", "m" }.Concat(arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToArray();
        var e = await Assert.ThrowsAsync<CliUsageException>(() => Bench().RunAsync(new CliArgs(args, Bench().Flags), CancellationToken.None));
        Assert.Equal(message, e.Message);
    }

    /// <summary>`bench --pipeline` on tiny-sd at 64², fp32, one thread, one timed run, plus <paramref name="options"/>.</summary>
    private static async Task<string> BenchTinySdPipeline(params string[] options)
    {
        var output = new StringWriter();
        var command = new BenchCommand(o => new PipelineFactory(o), output);
        Assert.Equal(0, await command.RunAsync(
            new CliArgs(["--model", Golden.TinySdFolder, "--pipeline", "--size", "64", "--runs", "1", "--threads", "1", "--dtype", "fp32",
                .. options], command.Flags),
            CancellationToken.None));
        return output.ToString();
    }

    private static BenchCommand Bench() => new(o => new PipelineFactory(o), TextWriter.Null);
}
