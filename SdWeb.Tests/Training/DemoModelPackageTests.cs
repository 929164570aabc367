using System.Security.Cryptography;
using System.Text.Json.Nodes;
using SdWeb.Engine.Devices;
using SdWeb.Engine.Loading;
using SdWeb.Engine.Loading.SafeTensors;
using SdWeb.Engine.Training;
using SdWeb.Engine.Training.Shipping;
using SdWeb.Tests.Support;
using TorchSharp;
using Xunit.Abstractions;

namespace SdWeb.Tests.Training;

/// <summary>
/// `models pack-demo`'s packing, on the golden tiny-sd folder standing in for a trained demo model (the real one is
/// trained with `train-demo` and packed into SdWeb/DemoModel/).
/// </summary>
[Layer(Layer.Engine)]
public sealed class DemoModelPackageTests(ITestOutputHelper output)
{
    [Fact]
    public void APackHoldsTheModelInTheChosenPrecisionItsSingleFileAndAManifestThatDescribesThem()
    {
        using var dir = new TempDir();
        var model = dir.CopyFrom(Golden.TinySdFolder, "model");
        File.WriteAllText(dir["training.json"], """{ "Seed": 5, "VaeSteps": 10, "DiffusionSteps": 20, "WeightsSha256": "ab", "Losses": [ { "Step": 1 } ] }""");
        var pack = dir["pack"];

        DemoModelTraining.Pack(model, dir["training.json"], pack, output.WriteLine, CancellationToken.None);

        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(pack, DemoModelTraining.ManifestFileName)))!.AsObject();
        var precision = manifest["precision"]!.GetValue<string>();
        var psnr = manifest["psnrDbAgainstFp32"]!.AsObject();
        output.WriteLine($"chose {precision}; PSNR {psnr.ToJsonString()}");
        Assert.True(psnr.ContainsKey("fp16"));
        if (precision != "fp32") Assert.True(psnr[precision]!.GetValue<double>() >= DemoModelPackage.MinPsnrDb);
        var dtype = precision switch { "fp16" => torch.ScalarType.Float16, "bf16" => torch.ScalarType.BFloat16, _ => torch.ScalarType.Float32 };

        // model/: every golden weight, rounded to the chosen precision, under its own name.
        var packedUNet = Path.Combine(pack, "model", "unet", "diffusion_pytorch_model.safetensors");
        using (var golden = SafeTensorsFile.Open(Golden.PathOf("tiny-sd", "unet", "diffusion_pytorch_model.safetensors")))
        using (var packed = SafeTensorsFile.Open(packedUNet))
        {
            Assert.Equal(golden.Tensors.Keys.Order(StringComparer.Ordinal), packed.Tensors.Keys.Order(StringComparer.Ordinal));
            foreach (var key in golden.Tensors.Keys)
            {
                using var expected = golden.Read(key, dtype);
                using var actual = packed.Read(key);
                Assert.True(expected.equal(actual).all().item<bool>(), $"{key} is not the golden weight in {precision}");
            }
        }

        // The single file loads, with the folder's weights.
        using (var folder = ModelSource.Open(Path.Combine(pack, "model"), ModelPlacement.CpuFloat32))
        using (var single = ModelSource.Open(Path.Combine(pack, DemoModelPackage.SingleFileName), ModelPlacement.CpuFloat32))
        {
            Assert.Equal(ModelFormat.SingleFile, single.Format);
            Assert.Equal(folder.Vae.Config.ScalingFactor, single.Vae.Config.ScalingFactor);
            foreach (var name in folder.UNet.Weights.Names)
            {
                using var expected = folder.UNet.Weights.Read(name, torch.ScalarType.Float32, torch.CPU);
                using var actual = single.UNet.Weights.Read(name, torch.ScalarType.Float32, torch.CPU);
                Assert.True(expected.equal(actual).all().item<bool>(), $"the single file's {name} differs from the folder's");
            }
        }
        Assert.True(File.Exists(Path.Combine(pack, Path.ChangeExtension(DemoModelPackage.SingleFileName, ".yaml"))));

        // Every weights file's SHA-256, and training.json's figures without its loss curve.
        var hashes = manifest["sha256"]!.AsObject();
        var files = Directory.GetFiles(pack, "*.safetensors", SearchOption.AllDirectories);
        Assert.Equal(4, files.Length);
        Assert.Equal(files.Length, hashes.Count);
        foreach (var file in files)
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file))),
                hashes[Path.GetRelativePath(pack, file).Replace('\\', '/')]!.GetValue<string>());
        var training = manifest["training"]!.AsObject();
        Assert.Equal(5, training["Seed"]!.GetValue<int>());
        Assert.Equal(20, training["DiffusionSteps"]!.GetValue<int>());
        Assert.False(training.ContainsKey("Losses"));
    }

    [Fact]
    public void PackingIntoAFolderThatIsNotEmptyIsRefused()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir["pack"]);
        File.WriteAllText(Path.Combine(dir["pack"], "keep.txt"), "mine");

        var e = Assert.Throws<IOException>(() => DemoModelTraining.Pack(Golden.TinySdFolder, null, dir["pack"], _ => { }, CancellationToken.None));
        Assert.Equal($"{dir["pack"]} is not empty; choose a new folder (or empty it) for the packed demo model.", e.Message);
    }
}
