using TorchSharp;

namespace SdWeb.Tests;

[Layer(Layer.Engine)]
public class TorchRuntimeTests
{
    [Fact]
    public void SeededCpuGeneratorGivesTheSeedDocumentsNoise()
    {
        using var g = new torch.Generator(100);
        using var x = torch.randn([1, 4, 8, 8], generator: g);
        var values = x.flatten().data<float>().Take(3).ToArray();
        Assert.Equal([0.1268f, 1.3564f, 0.5632f], values.Select(v => MathF.Round(v, 4)));
    }
}
