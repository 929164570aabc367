using SdWeb.Engine.Loading;
using SdWeb.Engine.Loading.SafeTensors;
using SdWeb.Tests.Support;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SdWeb.Tests.Loading;

[Layer(Layer.Engine)]
public class ModuleWeightLoaderTests
{
    private sealed class Tiny : nn.Module
    {
        public readonly Linear fc;

        public Tiny() : base(nameof(Tiny))
        {
            fc = nn.Linear(3, 2);
            RegisterComponents();
        }
    }

    [Fact]
    public void CopiesEachWeightByName()
    {
        using var dir = new TempDir();
        using var w = arange(6, ScalarType.Float32).reshape(2, 3);
        using var b = tensor(new[] { 7f, 8f });
        var path = Write(dir, ("fc.weight", w), ("fc.bias", b));
        using var source = new SafeTensorsWeightSource(path);
        using var module = new Tiny();
        ModuleWeightLoader.Load(module, source);
        Assert.True(module.fc.weight!.eq(w).all().item<bool>());
        Assert.True(module.fc.bias!.eq(b).all().item<bool>());
    }

    [Fact]
    public void ReportsMissingUnexpectedShapeAndDTypeProblemsTogether()
    {
        using var dir = new TempDir();
        using var w = zeros(3, 3);
        using var b = zeros([2], ScalarType.Int64);
        using var extra = zeros(1);
        var path = Write(dir, ("fc.weight", w), ("fc.bias", b), ("fc.extra", extra));
        using var source = new SafeTensorsWeightSource(path);
        using var module = new Tiny();
        var e = Assert.Throws<ModelLoadException>(() => ModuleWeightLoader.Load(module, source));
        Assert.Equal($"{path}: the weights do not fit Tiny: unexpected keys (1): fc.extra; " +
                     "shape mismatches (1): fc.weight: file has [3,3], model expects [2,3]; " +
                     "dtype mismatches (1): fc.bias: file has Int64, model expects a floating-point tensor. " +
                     "Check that the file belongs to a Stable Diffusion v1 model and that its config matches.", e.Message);
    }

    [Fact]
    public void ReportsMissingKeysUnlessOptional()
    {
        using var dir = new TempDir();
        using var w = zeros(2, 3);
        var path = Write(dir, ("fc.weight", w));
        using var source = new SafeTensorsWeightSource(path);
        using var module = new Tiny();
        var e = Assert.Throws<ModelLoadException>(() => ModuleWeightLoader.Load(module, source));
        Assert.Contains("missing keys (1): fc.bias", e.Message);
        ModuleWeightLoader.Load(module, source, optionalNames: n => n == "fc.bias");
    }

    [Fact]
    public void ARenamedViewServesAConvWeightAsALinearOne()
    {
        using var dir = new TempDir();
        using var conv = arange(6, ScalarType.Float32).reshape(2, 3, 1, 1);
        using var b = zeros(2);
        var path = Write(dir, ("attn.q.weight", conv), ("attn.q.bias", b));
        using var file = SafeTensorsFile.Open(path);
        using var view = new RenamedWeightSource(file, new Dictionary<string, RenamedWeightSource.Entry>
        {
            ["fc.weight"] = new("attn.q.weight", [2, 3]),
            ["fc.bias"] = new("attn.q.bias"),
        }, "view");
        using var module = new Tiny();
        ModuleWeightLoader.Load(module, view);
        Assert.True(module.fc.weight!.eq(conv.reshape(2, 3)).all().item<bool>());
    }

    private static string Write(TempDir dir, params (string Name, Tensor T)[] tensors)
    {
        var path = dir["w.safetensors"];
        SafeTensorsFile.Write(path, tensors.Select(t => new KeyValuePair<string, Tensor>(t.Name, t.T)));
        return path;
    }
}
