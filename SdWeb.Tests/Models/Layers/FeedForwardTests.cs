using SdWeb.Engine.Devices;
using SdWeb.Engine.Models.Layers;
using SdWeb.Tests.Support;
using static TorchSharp.torch;

namespace SdWeb.Tests.Models.Layers;

[Layer(Layer.Engine)]
public sealed class FeedForwardTests
{
    /// <summary>
    /// Over more tokens than a chunk (two whole chunks and a short one, batch 2), the chunked feed-forward is diffusers'
    /// GEGLU feed-forward written out on all the tokens at once: proj, split, value · gelu(gate), net.2.
    /// </summary>
    [Fact]
    public void ChunkedOverTheTokensItIsTheWholeGegluFeedForward()
    {
        const int dim = 8;
        using var random = new SeededRandom(5);
        using var ff = random.Initialise(new FeedForward(dim, ModelPlacement.CpuFloat32));
        using var x = random.Randn(2, 2 * FeedForward.ChunkTokens + 300, dim);
        var p = ff.named_parameters().ToDictionary(kv => kv.name, kv => kv.parameter);
        using var _ = no_grad();

        using var actual = ff.forward(x);

        using var scope = NewDisposeScope();
        var projected = x.matmul(p["net.0.proj.weight"].t()) + p["net.0.proj.bias"];
        var (value, gate) = (projected[TensorIndex.Ellipsis, TensorIndex.Slice(0, 4 * dim)], projected[TensorIndex.Ellipsis, TensorIndex.Slice(4 * dim)]);
        var expected = (value * nn.functional.gelu(gate)).matmul(p["net.2.weight"].t()) + p["net.2.bias"];

        TensorAssert.Close(expected, actual, 1e-5, "chunked feed-forward");
    }
}
