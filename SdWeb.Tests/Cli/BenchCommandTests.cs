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
        var output = new StringWriter();
        var command = new BenchCommand(o => new PipelineFactory(o), output);
        Assert.Equal(0, await command.RunAsync(
            new CliArgs(["--model", Golden.TinySdFolder, "--pipeline", "--size", "64", "--steps", "3", "--runs", "1", "--threads", "1",
                "--dtype", "fp32"], command.Flags),
            CancellationToken.None));
        var text = output.ToString();
        foreach (var line in new[] { "sampling", "text encoding", "VAE decode", "preview", "peak RSS" })
            Assert.Contains("\n" + line, text);
        Assert.Matches(@"sampling +[0-9.]+ s/step \(3 steps, euler_a\), [0-9.]+ it/s", text);
        Assert.Matches(@"sampling step +[0-9.]+ ms min, [0-9.]+ ms median over 2 runs .*GFLOP/s", text);
        Assert.Matches(@"\nwhole generation +[0-9.]+ s \(text \+ 3 steps \+ decode \+ PNG, 64x64, CFG 7.5, 1 image\)", text);
        foreach (var component in new[] { "unet", "text", "vae-decode" })
            Assert.Matches($@"\nshare +{component}: [0-9]+% of the (conv|matmul) fp32 roofline", text);
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
        foreach (var kernel in new[] { "matmul 2048² fp32", "matmul 2048² bf16", "conv 3×3 320→320 on [2,320,64,64] fp32", "conv 3×3 320→320 on [2,320,64,64] bf16" })
            Assert.Matches($@"\nroofline +[0-9.]+ ms min, [0-9.]+ ms median over 1 runs \({Regex.Escape(kernel)}\); [0-9.]+ GFLOP, [0-9.]+ GFLOP/s", text);
        Assert.Matches(@"\nshare +unet: [0-9]+% of the conv (fp32|bf16) roofline", text);
        Assert.Matches(@"\nengine +auto dtype on this CPU: (fp32|bf16|bf16-compute) \(measured now; estimated 512² UNet step fp32 [0-9]+ ms, drift 0.0e0, bf16 [0-9]+ ms, drift .*threads, libtorch", text);
        Assert.True(File.Exists(Path.Combine(dataDir.Path, "cpu-dtype-calibration.json")));
    }

    /// <summary>bf16 attention runs in SdWeb's kernel where the CPU has AVX-512 BF16 (unless --attention libtorch), and the
    /// bench says which ran.</summary>
    [Theory]
    [InlineData("auto")]
    [InlineData("libtorch")]
    public async Task SaysWhichAttentionRan(string attention)
    {
        var output = new StringWriter();
        Assert.Equal(0, await new BenchCommand(o => new PipelineFactory(o), output).RunAsync(
            new CliArgs(["--model", Golden.TinySdFolder, "--component", "unet", "--size", "64", "--runs", "1", "--threads", "1",
                "--device", "cpu", "--dtype", "bf16-compute", "--attention", attention]),
            CancellationToken.None));
        var expected = attention == "libtorch" ? "libtorch's (asked for)"
            : Bf16FlashAttention.IsAvailable ? "SdWeb's AVX-512 BF16 kernel" : $"libtorch's ({Bf16FlashAttention.WhyUnavailable})";
        Assert.Contains($"\nengine            attention: {expected}\n", output.ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task UnknownAttentionIsRefused()
    {
        var e = await Assert.ThrowsAsync<CliUsageException>(() => Bench().RunAsync(
            new CliArgs(["--model", "m", "--component", "unet", "--attention", "flash"], Bench().Flags), CancellationToken.None));
        Assert.Equal("--attention must be auto or libtorch, not 'flash'.", e.Message);
    }

    [Fact]
    public async Task PipelineNeedsTwoSteps()
    {
        var e = await Assert.ThrowsAsync<CliUsageException>(() => Bench().RunAsync(
            new CliArgs(["--model", "m", "--pipeline", "--steps", "1"], Bench().Flags), CancellationToken.None));
        Assert.Equal("--steps must be at least 2 for --pipeline, not 1.", e.Message);
    }

    [Fact]
    public async Task UnknownComponentListsTheValidOnes()
    {
        var e = await Assert.ThrowsAsync<CliUsageException>(() => Bench().RunAsync(
            new CliArgs(["--model", "m", "--component", "clip"]), CancellationToken.None));
        Assert.Equal("Unknown component 'clip'. Valid: text, unet, vae-decode, vae-encode.", e.Message);
    }

    [Fact]
    public async Task NeedsPipelineOrComponent()
    {
        var e = await Assert.ThrowsAsync<CliUsageException>(() => Bench().RunAsync(new CliArgs(["--model", "m"]), CancellationToken.None));
        Assert.Equal("Give either --pipeline or --component NAME.", e.Message);
    }

    [Fact]
    public async Task SizeMustBeAMultipleOfEight()
    {
        var e = await Assert.ThrowsAsync<CliUsageException>(() => Bench().RunAsync(
            new CliArgs(["--model", "m", "--component", "unet", "--size", "100"]), CancellationToken.None));
        Assert.Equal("--size must be a positive multiple of 8, not 100.", e.Message);
    }

    private static BenchCommand Bench() => new(o => new PipelineFactory(o), TextWriter.Null);

    [Fact]
    public void PeakMemoryIsRead() => Assert.True(PeakMemory.ResidentMiB() > 0);
}
