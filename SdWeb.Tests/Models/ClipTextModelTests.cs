using SdWeb.Engine.Devices;
using SdWeb.Engine.Loading;
using SdWeb.Engine.Loading.SafeTensors;
using SdWeb.Engine.Models;
using SdWeb.Engine.Models.Clip;
using SdWeb.Engine.Tokenization;
using SdWeb.Tests.Support;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace SdWeb.Tests.Models;

/// <summary>The CLIP text encoder against golden/cases/text_encoder.safetensors (transformers 4.35, CPU fp32).</summary>
[Layer(Layer.Engine)]
public class ClipTextModelTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-4;
    private const string CheckpointPrefix = "cond_stage_model.transformer.";

    private static string ConfigPath => Golden.PathOf("tiny-sd", "text_encoder", "config.json");
    private static string WeightsPath => Golden.PathOf("tiny-sd", "text_encoder", "model.safetensors");

    private static ClipTextModel LoadTinyModel(IWeightSource source)
    {
        var model = new ClipTextModel(ClipTextConfig.FromJson(ConfigPath), ModelPlacement.CpuFloat32);
        model.LoadWeights(source);
        return model;
    }

    [Fact]
    public void EveryOutputMatchesTransformers()
    {
        using var golden = Golden.OpenCase("cases", "text_encoder.safetensors");
        using var source = new SafeTensorsWeightSource(WeightsPath);
        using var model = LoadTinyModel(source);
        using var inputIds = golden.Read("input_ids");
        using var result = model.Run(inputIds, outputHiddenStates: true);

        Assert.Equal(3, result.HiddenStates!.Count);
        AssertClose(golden, "last_hidden_state", result.LastHiddenState);
        AssertClose(golden, "pooler_output", result.PoolerOutput);
        for (int i = 0; i < result.HiddenStates.Count; i++)
            AssertClose(golden, $"hidden_states.{i}", result.HiddenStates[i]);
    }

    [Fact]
    public void LegacyEosTokenIdTwoPoolsAtTheHighestIdWhichIsTheSameToken()
    {
        // SD v1.5's text_encoder/config.json says eos_token_id 2; transformers then pools at input_ids.argmax().
        using var golden = Golden.OpenCase("cases", "text_encoder.safetensors");
        using var source = new SafeTensorsWeightSource(WeightsPath);
        using var model = new ClipTextModel(ClipTextConfig.FromJson(ConfigPath) with { EosTokenId = 2 }, ModelPlacement.CpuFloat32);
        model.LoadWeights(source);
        using var inputIds = golden.Read("input_ids");
        using var result = model.Run(inputIds, outputHiddenStates: false);
        Assert.Null(result.HiddenStates);
        AssertClose(golden, "pooler_output", result.PoolerOutput);
    }

    [Fact]
    public void ForwardReturnsTheLastHiddenState()
    {
        using var golden = Golden.OpenCase("cases", "text_encoder.safetensors");
        using var source = new SafeTensorsWeightSource(WeightsPath);
        using var model = LoadTinyModel(source);
        using var inputIds = golden.Read("input_ids");
        using var last = model.forward(inputIds);
        AssertClose(golden, "last_hidden_state", last);
    }

    [Fact]
    public void FinalLayerNormOfTheLastLayerGivesTheLastHiddenState()
    {
        using var golden = Golden.OpenCase("cases", "text_encoder.safetensors");
        using var source = new SafeTensorsWeightSource(WeightsPath);
        using var model = LoadTinyModel(source);
        using var lastLayer = golden.Read("hidden_states.2");
        using var normalised = model.ApplyFinalLayerNorm(lastLayer);
        AssertClose(golden, "last_hidden_state", normalised);
    }

    [Fact]
    public void SingleFileCheckpointWithoutPositionIdsGivesTheSameOutput()
    {
        using var golden = Golden.OpenCase("cases", "text_encoder.safetensors");
        using var checkpoint = SafeTensorsFile.Open(Golden.TinySdCheckpoint);
        Assert.DoesNotContain(CheckpointPrefix + "text_model.embeddings.position_ids", checkpoint.Tensors.Keys);
        using var source = new SafeTensorsWeightSource(checkpoint, CheckpointPrefix, ownsFile: false);
        using var model = LoadTinyModel(source);
        using var inputIds = golden.Read("input_ids");
        using var last = model.forward(inputIds);
        AssertClose(golden, "last_hidden_state", last);
    }

    [Fact]
    public void StoredPositionIdsAreIgnoredEvenWhenCorrupt()
    {
        var path = Path.Combine(Path.GetTempPath(), $"clip-with-position-ids-{Guid.NewGuid():N}.safetensors");
        try
        {
            using (var original = SafeTensorsFile.Open(WeightsPath))
            {
                var tensors = original.Tensors.Keys.ToDictionary(k => k, k => original.Read(k));
                // Some old checkpoints store float position ids that are off by a fraction; transformers 4.35 ignores them.
                tensors["text_model.embeddings.position_ids"] = arange(77, dtype: ScalarType.Float32).unsqueeze(0) - 0.3f;
                SafeTensorsFile.Write(path, tensors);
                foreach (var t in tensors.Values) t.Dispose();
            }
            using var golden = Golden.OpenCase("cases", "text_encoder.safetensors");
            using var source = new SafeTensorsWeightSource(path);
            using var model = LoadTinyModel(source);
            using var inputIds = golden.Read("input_ids");
            using var last = model.forward(inputIds);
            AssertClose(golden, "last_hidden_state", last);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void TokenizerGivesTheGoldenInputIdsForTheEncoderPrompts()
    {
        using var golden = Golden.OpenCase("cases", "text_encoder.safetensors");
        var prompts = System.Text.Json.JsonSerializer.Deserialize<string[]>(golden.Metadata["prompts"])!;
        var tokenizer = ClipTokenizer.FromFolder(Golden.PathOf("tiny-sd", "tokenizer"));
        using var expected = golden.Read("input_ids");
        var ids = prompts.SelectMany(p => tokenizer.Tokenize(p).InputIds).Select(i => (long)i).ToArray();
        Assert.Equal(expected.data<long>().ToArray(), ids);
    }

    /// <summary>
    /// The tokenizer and encoder together give the prompt_embeds each golden pipeline case fed its UNet: the negative
    /// (or empty) prompt's embeddings first when guidance is on, then the prompts'.
    /// </summary>
    [Theory]
    [InlineData("a_lms_astronaut")]
    [InlineData("b_lms_batch2")]
    [InlineData("c_eulera_negative")]
    [InlineData("d_dpmpp2m_karras")]
    [InlineData("e_img2img_ddim")]
    [InlineData("f_nocfg_ddim")]
    [InlineData("g_euler_512")]
    public void TokenizerAndEncoderGiveThePipelinePromptEmbeds(string caseName)
    {
        // Python's json writes -Infinity in some scheduler configs; those fields are not read here.
        var json = File.ReadAllText(Golden.PathOf("pipelines", "cases.json")).Replace("-Infinity", "null").Replace("Infinity", "null");
        using var cases = System.Text.Json.JsonDocument.Parse(json);
        var pipelineCase = cases.RootElement.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == caseName);
        var promptJson = pipelineCase.GetProperty("prompt");
        string[] prompts = promptJson.ValueKind == System.Text.Json.JsonValueKind.Array
            ? promptJson.EnumerateArray().Select(p => p.GetString()!).ToArray()
            : [promptJson.GetString()!];
        var negative = pipelineCase.TryGetProperty("negative_prompt", out var n) && n.ValueKind == System.Text.Json.JsonValueKind.String
            ? n.GetString()! : "";
        var withGuidance = pipelineCase.GetProperty("guidance_scale").GetDouble() > 1.0;
        string[] encoded = withGuidance ? [.. prompts.Select(_ => negative), .. prompts] : prompts;

        var tokenizer = ClipTokenizer.FromFolder(Golden.PathOf("tiny-sd", "tokenizer"));
        using var source = new SafeTensorsWeightSource(WeightsPath);
        using var model = LoadTinyModel(source);
        using var inputIds = tensor(encoded.SelectMany(p => tokenizer.Tokenize(p).InputIds.Select(i => (long)i)).ToArray(),
            [encoded.Length, 77]);
        using var embeds = model.forward(inputIds);
        using var golden = Golden.OpenCase("pipelines", pipelineCase.GetProperty("files").GetProperty("tensors").GetString()!);
        AssertClose(golden, "prompt_embeds", embeds);
    }

    [Fact]
    public void ModelParameterNamesAreTheTransformersKeys()
    {
        using var model = new ClipTextModel(ClipTextConfig.FromJson(ConfigPath), ModelPlacement.CpuFloat32);
        using var file = SafeTensorsFile.Open(WeightsPath);
        Assert.Equal(file.Tensors.Keys.Order(), model.named_parameters().Select(p => p.name).Order());
        Assert.Empty(model.named_buffers());
    }

    [Fact]
    public void TooLongSequenceIsRejectedWithAClearMessage()
    {
        using var model = new ClipTextModel(ClipTextConfig.FromJson(ConfigPath), ModelPlacement.CpuFloat32);
        using var ids = zeros(1, 78, dtype: ScalarType.Int64);
        var e = Assert.Throws<ArgumentException>(() => model.forward(ids));
        Assert.Contains("at most 77 tokens per sequence, not 78", e.Message);
    }

    /// <summary>
    /// Checks the placement reaches every layer; the tolerance is 4 units in the last place of the dtype at the output's
    /// magnitude (|x| ≤ 3.05: bf16 ulp 2^-6, fp16 ulp 2^-9). Measured: bf16 4.2e-2, fp16 5.8e-3.
    /// </summary>
    [Theory]
    [InlineData(ScalarType.BFloat16, 4 * 0.015625)]
    [InlineData(ScalarType.Float16, 4 * 0.001953125)]
    public void HalfPrecisionPlacementRunsEveryLayerInThatDtype(ScalarType dtype, double tolerance)
    {
        using var golden = Golden.OpenCase("cases", "text_encoder.safetensors");
        using var source = new SafeTensorsWeightSource(WeightsPath);
        using var model = new ClipTextModel(ClipTextConfig.FromJson(ConfigPath), new ModelPlacement(CPU, dtype));
        Assert.All(model.parameters(), p => Assert.Equal(dtype, p.dtype));
        model.LoadWeights(source);
        using var inputIds = golden.Read("input_ids");
        using var last = model.forward(inputIds);
        Assert.Equal(dtype, last.dtype);
        using var asFloat = last.to(ScalarType.Float32);
        AssertClose(golden, "last_hidden_state", asFloat, tolerance);
    }

    private void AssertClose(SafeTensorsFile golden, string name, Tensor actual, double tolerance = Tolerance)
    {
        using var expected = golden.Read(name);
        Assert.Equal(expected.shape, actual.shape);
        using var diff = (actual - expected).abs().max();
        var maxDiff = diff.item<float>();
        output.WriteLine($"{name}: max abs diff {maxDiff:E3}");
        Assert.True(maxDiff <= tolerance, $"{name}: max abs diff {maxDiff} exceeds {tolerance}");
    }
}
