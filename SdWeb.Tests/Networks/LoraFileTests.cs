using SdWeb.Engine.Loading;
using SdWeb.Engine.Loading.SafeTensors;
using SdWeb.Engine.Networks;
using SdWeb.Tests.Support;
using TorchSharp;

namespace SdWeb.Tests.Networks;

[Layer(Layer.Engine)]
public sealed class LoraFileTests(TinySdWithWeightsFixture fixture) : IClassFixture<TinySdWithWeightsFixture>
{
    private static string Detail => Golden.PathOf("features", "lora", "tiny-detail.safetensors");

    [Fact]
    public void AKohyaFileGivesEveryLayerWithItsRankAndAlphaAndA1111sHash()
    {
        using var network = LoraFile.Read(Detail);
        // assets.json: 204 modules, rank 4, alpha 2.
        Assert.Equal(204, network.Layers.Count);
        Assert.All(network.Layers, l => Assert.Equal((4L, 2f), (l.Rank, l.Alpha!.Value)));
        Assert.Equal(12, network.Layers.Count(l => l.Component == LoraComponent.TextEncoder));
        // hashlib.sha256 of the bytes after the header (A1111's addnet hash), first 12 digits.
        Assert.Equal("e26b84334128", NetworkHashes.Short(NetworkHashes.Lora(Detail)));
    }

    [Fact]
    public void TheFilesOwnSshsHashIsUsedAsA1111Does()
    {
        using var dir = new TempDir();
        var path = dir["hashed.safetensors"];
        using (var down = torch.zeros(1, 32)) using (var up = torch.zeros(32, 1))
            SafeTensorsFile.Write(path, new Dictionary<string, torch.Tensor>
            {
                ["lora_unet_mid_block_attentions_0_proj_in.lora_down.weight"] = down,
                ["lora_unet_mid_block_attentions_0_proj_in.lora_up.weight"] = up,
            }, new Dictionary<string, string> { ["sshs_model_hash"] = "0123456789abcdef0123" });
        Assert.Equal("0123456789ab", NetworkHashes.Short(NetworkHashes.Lora(path)));
    }

    [Fact]
    public void DiffusersKeysChangeExactlyTheModulesTheyName()
    {
        using var dir = new TempDir();
        var path = dir["diffusers.safetensors"];
        using var random = new SeededRandom(7);
        // diffusers key → the model parameter it changes, in the three diffusers layouts (LoRA layers, PEFT, attention processors).
        var layers = new (string Key, string Parameter, long Out, long In, long[] Kernel)[]
        {
            ("unet.down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_k.lora", "unet.down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_k.weight", 32, 32, []),
            ("unet.up_blocks.1.attentions.2.transformer_blocks.0.attn2.processor.to_out_lora", "unet.up_blocks.1.attentions.2.transformer_blocks.0.attn2.to_out.0.weight", 64, 64, []),
            ("unet.mid_block.attentions.0.proj_in.lora_A", "unet.mid_block.attentions.0.proj_in.weight", 64, 64, [1, 1]),
            ("text_encoder.text_model.encoder.layers.1.self_attn.q_proj.lora_linear_layer", "text_encoder.text_model.encoder.layers.1.self_attn.q_proj.weight", 32, 32, []),
        };
        var tensors = new Dictionary<string, torch.Tensor>();
        var matrices = new List<(string Down, string Up)>();
        foreach (var (key, _, outDim, inDim, kernel) in layers)
        {
            var (downKey, upKey) = key.EndsWith("lora_A") ? (key + ".weight", key[..^1] + "B.weight")
                : key.EndsWith("_lora") ? (key + ".down.weight", key + ".up.weight")
                : (key + ".down.weight", key + ".up.weight");
            tensors[downKey] = random.Randn([3, inDim, .. kernel]);
            tensors[upKey] = random.Randn([outDim, 3, .. kernel]);
            matrices.Add((downKey, upKey));
            tensors[key.Replace(".lora_A", "").Replace(".lora_linear_layer", "").Replace(".lora", "").Replace("_lora", "") + ".alpha"] = torch.tensor(1.5f);
        }
        SafeTensorsFile.Write(path, tensors);

        var targets = fixture.Components.LoraTargets!;
        var before = targets.Weights.ToDictionary(w => w.Name, w => w.Weight.clone());
        using (MergedLoras.Apply(targets, [new NetworkActivation("d", path, 0.5)]))
        {
            var after = targets.Weights.ToDictionary(w => w.Name, w => w.Weight);
            foreach (var ((_, parameter, outDim, _, _), (downKey, upKey)) in layers.Zip(matrices))
            {
                var expected = before[parameter] + 0.5 * (1.5 / 3) *
                    torch.mm(tensors[upKey].reshape(outDim, 3), tensors[downKey].reshape(3, -1)).reshape(before[parameter].shape);
                TensorAssert.Close(expected, after[parameter], 1e-6, parameter);
            }
            var changed = layers.Select(l => l.Parameter).ToHashSet();
            Assert.All(before.Where(kv => !changed.Contains(kv.Key)), kv => Assert.True(kv.Value.bytes.SequenceEqual(after[kv.Key].bytes), kv.Key));
        }
        Assert.All(targets.Weights, w => Assert.True(w.Weight.bytes.SequenceEqual(before[w.Name].bytes), w.Name));
    }

    [Fact]
    public void ALoConConvolutionLayerMergesAsA3x3Update()
    {
        using var dir = new TempDir();
        var path = dir["locon.safetensors"];
        using var random = new SeededRandom(11);
        // A1111's network_lora: down [r, in, 3, 3], up [out, r, 1, 1]; ΔW = (up [out, r] @ down [r, in·9]) reshaped.
        var down = random.Randn(2, 32, 3, 3);
        var up = random.Randn(32, 2, 1, 1);
        SafeTensorsFile.Write(path, new Dictionary<string, torch.Tensor>
        {
            ["lora_unet_down_blocks_0_resnets_0_conv1.lora_down.weight"] = down,
            ["lora_unet_down_blocks_0_resnets_0_conv1.lora_up.weight"] = up,
            ["lora_unet_down_blocks_0_resnets_0_conv1.alpha"] = torch.tensor(1f),
        });
        var targets = fixture.Components.LoraTargets!;
        const string parameter = "unet.down_blocks.0.resnets.0.conv1.weight";
        using var before = targets.Weights.Single(w => w.Name == parameter).Weight.clone();
        using (MergedLoras.Apply(targets, [new NetworkActivation("locon", path, 0.8)]))
        {
            var expected = before + 0.8 * 0.5 * torch.einsum("or,rikl->oikl", up.squeeze(-1).squeeze(-1), down);
            TensorAssert.Close(expected, targets.Weights.Single(w => w.Name == parameter).Weight, 1e-6, parameter);
        }
    }

    [Theory]
    [InlineData("style.pt")]
    [InlineData("style.ckpt")]
    [InlineData("style.bin")]
    public void PickledFilesAreRefusedAsCheckpointsAre(string name)
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir[name], [0x80, 0x02, 0x7d, 0x71]);
        var error = Assert.Throws<ModelLoadException>(() => LoraFile.Read(dir[name]));
        Assert.Contains("pickle", error.Message);
        Assert.Contains(".safetensors", error.Message);
    }

    [Fact]
    public void APickleNamedSafetensorsIsRefusedToo()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir["zip.safetensors"], [(byte)'P', (byte)'K', 3, 4, 0, 0, 0, 0, 0, 0]);
        Assert.Contains("pickle", Assert.Throws<ModelLoadException>(() => LoraFile.Read(dir["zip.safetensors"])).Message);
    }

    [Fact]
    public void ATruncatedFileIsRefusedWithTheReason()
    {
        using var dir = new TempDir();
        var bytes = File.ReadAllBytes(Detail);
        File.WriteAllBytes(dir["cut.safetensors"], bytes[..(bytes.Length / 2)]);
        var error = Assert.Throws<SafeTensorsException>(() => LoraFile.Read(dir["cut.safetensors"]));
        Assert.Contains(dir["cut.safetensors"], error.Message);
        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void LycorisVariantsAreRefusedByName()
    {
        using var dir = new TempDir();
        using (var w = torch.zeros(4, 32))
            SafeTensorsFile.Write(dir["loha.safetensors"], new Dictionary<string, torch.Tensor> { ["lora_unet_mid_block_attentions_0_proj_in.hada_w1_a"] = w });
        var error = Assert.Throws<ModelLoadException>(() => LoraFile.Read(dir["loha.safetensors"]));
        Assert.Contains("hada_w1_a", error.Message);
        Assert.Contains("LoHa", error.Message);
    }

    [Fact]
    public void ALayerWithoutItsUpMatrixIsRefused()
    {
        using var dir = new TempDir();
        using (var w = torch.zeros(4, 32))
            SafeTensorsFile.Write(dir["half.safetensors"], new Dictionary<string, torch.Tensor> { ["lora_unet_mid_block_attentions_0_proj_in.lora_down.weight"] = w });
        var error = Assert.Throws<ModelLoadException>(() => LoraFile.Read(dir["half.safetensors"]));
        Assert.Contains("lacks its up matrix", error.Message);
    }

    [Fact]
    public void ALayerForAModuleTheModelLacksIsRefusedNamingIt()
    {
        using var dir = new TempDir();
        var path = dir["sdxl.safetensors"];
        using (var down = torch.zeros(1, 32)) using (var up = torch.zeros(32, 1))
            SafeTensorsFile.Write(path, new Dictionary<string, torch.Tensor>
            {
                ["lora_unet_input_blocks_4_1_proj_in.lora_down.weight"] = down,
                ["lora_unet_input_blocks_4_1_proj_in.lora_up.weight"] = up,
            });
        var error = Assert.Throws<ModelLoadException>(() => MergedLoras.Apply(fixture.Components.LoraTargets!, [new NetworkActivation("sdxl", path, 1)]));
        Assert.Contains(path, error.Message);
        Assert.Contains("input_blocks_4_1_proj_in", error.Message);
    }
}
