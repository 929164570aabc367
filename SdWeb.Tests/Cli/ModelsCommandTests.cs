using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using SdWeb.Cli;
using SdWeb.Engine.Devices;
using SdWeb.Engine.Loading;
using SdWeb.Engine.Training;
using SdWeb.Tests.Support;

namespace SdWeb.Tests.Cli;

[Layer(Layer.Engine)]
public class ModelsCommandTests
{
    private static async Task<(int Code, string Output, string Error)> Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await new ModelsCommand(output, error).RunAsync(new CliArgs(args), CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task InspectDescribesAFolder()
    {
        var (code, output, _) = await Run("inspect", Golden.TinySdFolder);
        Assert.Equal(0, code);
        Assert.StartsWith($"tiny-sd  (diffusers folder: {Golden.TinySdFolder})", output);
        // Parameter counts of the golden tiny-sd components (summed from its safetensors headers).
        Assert.Contains("unet          UNet2DConditionModel, 3,222,692 parameters, fp32", output);
        Assert.Contains("text_encoder  CLIPTextModel, 1,600,672 parameters, fp32", output);
        Assert.Contains("vae           AutoencoderKL, 1,732,679 parameters, fp32", output);
        Assert.Contains("block_out_channels 32,64,64,64; layers_per_block 2; cross_attention_dim 32; attention heads 8; sample_size 8", output);
        Assert.Contains("scheduler     PNDMScheduler", output);
        Assert.EndsWith("ok: the weights fit the model classes.\n", output.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task InspectDescribesASingleFileWithAVaeOverride()
    {
        var (code, output, _) = await Run("inspect", Golden.TinySdCheckpoint, "--vae", Golden.PathOf("tiny-sd", "vae"));
        Assert.Equal(0, code);
        Assert.StartsWith($"tiny-sd  (single-file checkpoint: {Golden.TinySdCheckpoint})", output);
        Assert.Contains("unet          UNet2DConditionModel, 3,222,692 parameters, fp32", output);
        Assert.Contains("vae (override) AutoencoderKL, 1,732,679 parameters, fp32", output);
        Assert.Contains("tokenizer     built-in CLIP ViT-L/14 tokenizer", output);
    }

    [Fact]
    public async Task InspectSaysWhyWeightsDoNotFit()
    {
        using var dir = new TempDir();
        var model = dir.CopyFrom(Golden.TinySdFolder, "m");
        var config = Path.Combine(model, "unet", "config.json");
        File.WriteAllText(config, File.ReadAllText(config).Replace("\"cross_attention_dim\": 32", "\"cross_attention_dim\": 48"));
        var e = await Assert.ThrowsAsync<ModelLoadException>(() => Run("inspect", model));
        Assert.StartsWith($"{Path.Combine(model, "unet", "diffusion_pytorch_model.safetensors")}: the weights do not fit UNet2DConditionModel: shape mismatches (32): " +
                          "down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_k.weight: file has [32,32], model expects [32,48]", e.Message);
    }

    [Fact]
    public async Task InspectRefusesAPickle()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir["m.ckpt"], [0x80, 0x02]);
        var e = await Assert.ThrowsAsync<ModelLoadException>(() => Run("inspect", dir["m.ckpt"]));
        Assert.Contains("never loads: unpickling a file can run arbitrary code", e.Message);
    }

    [Fact]
    public async Task DownloadFetchesFromTheHubWithAProgressBar()
    {
        using var hub = new FakeHub(Golden.TinySdFolder, "org/tiny-sd");
        using var models = new TempDir();
        var (code, output, error) = await Run("download", "org/tiny-sd", "--models-dir", models.Path, "--hub-url", hub.BaseUrl);
        Assert.Equal(0, code);
        Assert.Equal($"downloaded org/tiny-sd to {models["tiny-sd"]}\n", output.ReplaceLineEndings("\n"));
        Assert.Contains("] 100% (10/12) unet/diffusion_pytorch_model.safetensors 12.4/12.4 MB", error);
        using var source = ModelSource.Open(models["tiny-sd"], ModelPlacement.CpuFloat32);
        Assert.Equal(ModelFormat.DiffusersFolder, source.Format);
    }

    private static async Task<(int Code, string Output, string Error)> RunApp(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CliApp.RunAsync(["models", .. args], output, error, CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task DownloadFetchesStableDiffusion15UnderItsCurrentName()
    {
        using var hub = new FakeHub(Golden.TinySdFolder, "stable-diffusion-v1-5/stable-diffusion-v1-5");
        using var models = new TempDir();
        var (code, output, _) = await RunApp("download", "stable-diffusion-v1-5/stable-diffusion-v1-5", "--models-dir", models.Path, "--hub-url", hub.BaseUrl);
        Assert.Equal(0, code);
        Assert.Equal($"downloaded stable-diffusion-v1-5/stable-diffusion-v1-5 to {models["stable-diffusion-v1-5"]}\n", output.ReplaceLineEndings("\n"));
        using var source = ModelSource.Open(models["stable-diffusion-v1-5"], ModelPlacement.CpuFloat32);
        Assert.Equal(ModelFormat.DiffusersFolder, source.Format);
    }

    [Fact]
    public async Task DownloadOfTheDeletedRunwayRepositoryNamesWhereItLivesNow()
    {
        using var hub = new FakeHub(Golden.TinySdFolder, "stable-diffusion-v1-5/stable-diffusion-v1-5");
        using var models = new TempDir();
        var (code, _, error) = await RunApp("download", "runwayml/stable-diffusion-v1-5", "--models-dir", models.Path, "--hub-url", hub.BaseUrl);
        Assert.Equal(1, code);
        Assert.StartsWith("error: runwayml/stable-diffusion-v1-5: the hub has no public repository of that name (401 RepoNotFound).", error);
        Assert.Contains("the same model lives on as stable-diffusion-v1-5/stable-diffusion-v1-5: download that instead.", error);
        Assert.Empty(Directory.EnumerateFileSystemEntries(models.Path, "*.json", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task DownloadWithoutARepositoryOffersStableDiffusion15AndSaysWhatItTakes()
    {
        var (code, _, error) = await RunApp("download");
        Assert.Equal(2, code);
        var text = error.ReplaceLineEndings("\n");
        Assert.StartsWith("error: models download needs a repository id.\n", text);
        Assert.Contains("  SdWeb models download stable-diffusion-v1-5/stable-diffusion-v1-5    (about 4.3 GB)\n", text);
        Assert.Contains("--variant fp16    (about 2.1 GB;", text);
        // The diffusers layout of the SD v1.5 repository that the engine loads, with the published weight sizes.
        string[] files =
        [
            "model_index.json", "unet/config.json", "vae/config.json", "text_encoder/config.json", "scheduler/scheduler_config.json",
            "tokenizer/vocab.json", "tokenizer/merges.txt", "tokenizer/tokenizer_config.json", "tokenizer/special_tokens_map.json",
        ];
        Assert.Contains("It takes these 12 files", text);
        foreach (var file in files) Assert.Contains($"\n  {file}\n", text);
        Assert.Matches(@"\n  unet/diffusion_pytorch_model\.safetensors +3\.4 GB \(fp16 variant 1\.7 GB\)\n", text);
        Assert.Matches(@"\n  vae/diffusion_pytorch_model\.safetensors +335 MB \(fp16 variant 167 MB\)\n", text);
        Assert.Matches(@"\n  text_encoder/model\.safetensors +492 MB \(fp16 variant 246 MB\)\n", text);
        Assert.Contains("\nusage: SdWeb models download [REPO]", text);
    }

    [Fact]
    public async Task ExtraWordsAreAUsageError()
    {
        var (code, _, error) = await RunApp("inspect", "a", "b");
        Assert.Equal(2, code);
        Assert.StartsWith("error: unexpected argument 'b' for 'models inspect'.\nusage: SdWeb models inspect PATH [--vae PATH]\n", error);
    }

    [Fact]
    public async Task CreateRandomWritesALoadableModel()
    {
        using var dir = new TempDir();
        var (code, output, _) = await Run("create-random", "--preset", "tiny", "--out", dir["m"], "--seed", "3");
        Assert.Equal(0, code);
        Assert.EndsWith($"wrote a random tiny model (seed 3) to {dir["m"]}\n", output.ReplaceLineEndings("\n"));
        var (inspectCode, inspect, _) = await Run("inspect", dir["m"]);
        Assert.Equal(0, inspectCode);
        Assert.Contains("ok: the weights fit the model classes.", inspect);
    }

    [Fact]
    public async Task ScoreDemoGivesTheShippedModelTheScoresItsTrainingMeasured()
    {
        // The manifest holds the scores train-demo --evaluate 40 measured on the fp32 model at the end of training; the
        // shipped copy is fp16 (63.9 dB from it), scored again here through the same pipeline on this machine's CPU.
        var shipped = Path.Combine(AppContext.BaseDirectory, "DemoModel");
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(shipped, DemoModelTraining.ManifestFileName)));
        var measured = manifest.RootElement.GetProperty("training").GetProperty("Scores");
        Assert.Equal(40, measured.GetProperty("Count").GetInt32());

        var (code, output, _) = await Run("score-demo", "--model", Path.Combine(shipped, DemoModelTraining.PackedModelFolder), "--captions", "40");

        Assert.Equal(0, code);
        var scores = Regex.Match(output, @"^held-out captions: background (\d+) %, object colour at position (\d+) %, shape (\d+) % \(over 40 pictures\); (.+)$",
            RegexOptions.Multiline);
        Assert.True(scores.Success, output);
        // One picture of 40 is 2.5 %: a different CPU may round one borderline picture the other way.
        foreach (var (group, name) in new[] { (1, "Background"), (2, "Object"), (3, "Shape") })
            Assert.InRange(int.Parse(scores.Groups[group].Value, CultureInfo.InvariantCulture), 100 * measured.GetProperty(name).GetDouble() - 3.5,
                100 * measured.GetProperty(name).GetDouble() + 3.5);
        // The tally per shape covers every picture, and its right ones are the shape score.
        var tallies = Regex.Matches(scores.Groups[4].Value, @"(\w+) (\d+)/(\d+)").Select(m => (Right: int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture),
            Count: int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture))).ToList();
        Assert.Equal(40, tallies.Sum(t => t.Count));
        Assert.Equal(int.Parse(scores.Groups[3].Value, CultureInfo.InvariantCulture), (int)Math.Round(100.0 * tallies.Sum(t => t.Right) / 40, MidpointRounding.AwayFromZero));
    }

    [Theory]
    [InlineData(new[] { "explode" }, "unknown models command 'explode'; use inspect, download, create-random, pack-demo or score-demo.")]
    [InlineData(new string[0], "say what to do: inspect, download, create-random, pack-demo or score-demo.")]
    [InlineData(new[] { "inspect" }, "models inspect needs the model's PATH.")]
    [InlineData(new[] { "create-random", "--preset", "xl", "--out", "x" }, "unknown preset 'xl'; choose one of: tiny, sd15.")]
    [InlineData(new[] { "create-random", "--preset", "tiny" }, "--out is required.")]
    [InlineData(new[] { "create-random", "--preset", "tiny", "--out", "x", "--seed", "-1" }, "--seed must not be negative, not -1.")]
    [InlineData(new[] { "download", "org/x", "--variant", "bf16" }, "--variant can only be fp16, not 'bf16'.")]
    [InlineData(new[] { "pack-demo", "--from", "/nonexistent/model", "--out", "x" }, "--from /nonexistent/model: no such model folder.")]
    [InlineData(new[] { "score-demo" }, "--model is required.")]
    [InlineData(new[] { "score-demo", "--model", "/nonexistent/model" }, "--model /nonexistent/model: no such model folder.")]
    [InlineData(new[] { "score-demo", "--model", ".", "--captions", "0" }, "--captions must be positive, not 0.")]
    [InlineData(new[] { "score-demo", "--model", ".", "--cfg-scale", "0.5" }, "--cfg-scale must be at least 1, not 0.5.")]
    public async Task UsageErrorsSayWhatToFix(string[] args, string message)
    {
        var e = await Assert.ThrowsAsync<CliUsageException>(() => Run(args));
        Assert.Equal(message, e.Message);
    }
}
