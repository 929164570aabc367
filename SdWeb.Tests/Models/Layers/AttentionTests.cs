using SdWeb.Engine.Devices;
using SdWeb.Engine.Models.Layers;
using SdWeb.Tests.Support;
using static TorchSharp.torch;

namespace SdWeb.Tests.Models.Layers;

[Layer(Layer.Engine)]
public sealed class AttentionTests
{
    /// <summary>Multi-head cross-attention against a per-head reference written with plain slices, matmul and softmax.</summary>
    [Fact]
    public void CrossAttentionSplitsTheWidthIntoHeads()
    {
        const int heads = 4, dimHead = 4, queryDim = 16, contextDim = 8;
        using var random = new SeededRandom(3);
        using var attention = random.Initialise(new Attention(queryDim, contextDim, heads, dimHead, bias: false, ModelPlacement.CpuFloat32));
        using var x = random.Randn(2, 5, queryDim);
        using var context = random.Randn(2, 3, contextDim);
        var p = attention.named_parameters().ToDictionary(kv => kv.name, kv => kv.parameter);
        using var _ = no_grad();

        using var actual = attention.forward(x, context);

        using var scope = NewDisposeScope();
        var q = x.matmul(p["to_q.weight"].t());
        var k = context.matmul(p["to_k.weight"].t());
        var v = context.matmul(p["to_v.weight"].t());
        var perHead = Enumerable.Range(0, heads).Select(h =>
        {
            var slice = TensorIndex.Slice(h * dimHead, (h + 1) * dimHead);
            var (qh, kh, vh) = (q[TensorIndex.Ellipsis, slice], k[TensorIndex.Ellipsis, slice], v[TensorIndex.Ellipsis, slice]);
            var weights = (qh.matmul(kh.transpose(1, 2)) / Math.Sqrt(dimHead)).softmax(-1);
            return weights.matmul(vh);
        }).ToArray();
        var expected = cat(perHead, dim: -1).matmul(p["to_out.0.weight"].t()) + p["to_out.0.bias"];

        TensorAssert.Close(expected, actual, 1e-5, "multi-head attention");
    }

    [Fact]
    public void GroupNormStartsAsTheIdentityAffineInFloat32UnderTheDiffusersNames()
    {
        using var norm = new Float32GroupNorm(4, 16, 1e-6, new ModelPlacement(CPU, ScalarType.BFloat16));
        var parameters = norm.state_dict();

        Assert.Equal(["bias", "weight"], parameters.Keys.Order());
        Assert.All(parameters.Values, p => Assert.Equal(ScalarType.Float32, p.dtype));
        Assert.True(parameters["weight"].eq(1).all().item<bool>());
        Assert.True(parameters["bias"].eq(0).all().item<bool>());
    }

    [Fact]
    public void BFloat16GroupNormIsTheExactNormToWithinOneBf16Ulp()
    {
        using var random = new SeededRandom(3);
        using var norm = new Float32GroupNorm(4, 16, 1e-6, new ModelPlacement(CPU, ScalarType.BFloat16));
        using (no_grad())
        {
            norm.state_dict()["weight"].uniform_(0.5, 1.5, random.Generator);
            norm.state_dict()["bias"].uniform_(-1, 1, random.Generator);
        }
        // An offset large against the spread is where a norm computed in bf16 loses its digits.
        using var input = (random.Randn(2, 16, 5, 5) + 30).to(ScalarType.BFloat16);

        using var actual = norm.forward(input);

        Assert.Equal(ScalarType.BFloat16, actual.dtype);
        using var exact = nn.functional.group_norm(input.to(ScalarType.Float64), 4,
            norm.state_dict()["weight"].to(ScalarType.Float64), norm.state_dict()["bias"].to(ScalarType.Float64), 1e-6);
        // Within one bf16 unit in the last place (2^-7 relative at most) of the exact result.
        using var relative = ((actual.to(ScalarType.Float64) - exact).abs() / exact.abs()).max();
        Assert.True(relative.item<double>() <= 1.0 / 128, $"bf16 group norm off by {relative.item<double>():E3} relative");
    }

    [Fact]
    public void UnknownActivationIsRejectedWithTheSupportedNames()
    {
        var e = Assert.Throws<SdWeb.Engine.Loading.ModelLoadException>(() => Activations.Create("tanh"));

        Assert.Equal("Unsupported activation act_fn \"tanh\" in the model config: expected silu, swish, mish, gelu or relu.", e.Message);
    }
}
