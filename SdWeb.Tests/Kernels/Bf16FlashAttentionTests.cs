using System.Runtime.InteropServices;
using SdWeb.Engine.Kernels;
using SdWeb.Tests.Support;
using static TorchSharp.torch;

namespace SdWeb.Tests.Kernels;

[Layer(Layer.Engine)]
public sealed class Bf16FlashAttentionTests
{
    /// <summary>The kernel runs where the CPU has AVX-512 BF16 (read from /proc/cpuinfo here), and a build that left the
    /// library out fails this test on such a CPU rather than quietly running libtorch's kernel.</summary>
    [Fact]
    public void IsAvailableExactlyWhereTheCpuHasAvx512Bf16()
    {
        var flags = OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.X64
            ? File.ReadLines("/proc/cpuinfo").First(l => l.StartsWith("flags", StringComparison.Ordinal)).Split(' ')
            : [];
        var expected = new[] { "avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512_bf16" }.All(flags.Contains);

        Assert.True(expected == Bf16FlashAttention.IsAvailable,
            $"CPU has AVX-512 BF16: {expected}; kernel available: {Bf16FlashAttention.IsAvailable} ({Bf16FlashAttention.WhyUnavailable})");
    }

    /// <summary>
    /// Against attention in float64 on the same bf16 inputs, the kernel's error is that of libtorch's own bf16 attention
    /// (bf16 probabilities into the second product, a bf16 output). Shapes: the UNet's self-attention at 40, 80 and
    /// 160 wide heads, cross-attention over 77 tokens, the VAE's single 512-wide head, and counts of queries and keys
    /// that fill no tile. Where the CPU has no AVX-512 BF16 the dispatcher must give libtorch's result exactly.
    /// </summary>
    [Theory]
    [InlineData(2, 8, 1024, 1024, 40)]
    [InlineData(2, 8, 333, 77, 40)]
    [InlineData(2, 8, 256, 256, 80)]
    [InlineData(2, 8, 64, 77, 160)]
    [InlineData(1, 1, 1000, 1000, 512)]
    [InlineData(1, 3, 5, 3, 2)]
    public void MatchesFloat64AttentionWithinLibtorchsOwnBf16Error(int batch, int heads, int queries, int keys, int headDim)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var generator = new Generator(7);
        var width = heads * headDim;
        var query = (2 * randn([batch, queries, width], generator: generator)).to(ScalarType.BFloat16);
        var key = (2 * randn([batch, keys, width], generator: generator)).to(ScalarType.BFloat16);
        var value = randn([batch, keys, width], generator: generator).to(ScalarType.BFloat16);

        var dispatched = ScaledDotProductAttention.Forward(query, key, value, heads);
        var libtorch = Libtorch(query, key, value, heads);
        if (!Bf16FlashAttention.IsAvailable)
        {
            Assert.True(Identical(dispatched, libtorch), $"without the kernel ({Bf16FlashAttention.WhyUnavailable}) bf16 goes to libtorch");
            return;
        }

        var exact = Libtorch(query.to(ScalarType.Float64), key.to(ScalarType.Float64), value.to(ScalarType.Float64), heads);
        var kernelError = TensorAssert.RelativeL2(exact, dispatched);
        var libtorchError = TensorAssert.RelativeL2(exact, libtorch);
        Assert.Equal(ScalarType.BFloat16, dispatched.dtype);
        Assert.Equal(libtorch.shape, dispatched.shape);
        Assert.True(kernelError <= 1.25 * libtorchError + 1e-4 && kernelError < 4e-3,
            $"kernel relative L2 {kernelError:E3} against float64; libtorch's bf16 {libtorchError:E3}");
    }

    /// <summary>A NaN key poisons the attention of its head as it does in libtorch's (overflow upstream must show).</summary>
    [Fact]
    public void ANaNKeyGivesNaNWhereLibtorchsDoes()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(17);
        var query = randn([2, 40, 64], generator: generator).to(ScalarType.BFloat16);
        var key = randn([2, 70, 64], generator: generator).to(ScalarType.BFloat16);
        var value = randn([2, 70, 64], generator: generator).to(ScalarType.BFloat16);
        key[1, 33, 5] = tensor(float.NaN, ScalarType.BFloat16);

        var actual = ScaledDotProductAttention.Forward(query, key, value, heads: 2);
        var expected = Libtorch(query, key, value, heads: 2);

        Assert.True(actual.isnan().any().item<bool>(), "the NaN key vanished");
        Assert.True(Identical(actual.isnan(), expected.isnan()), "NaN where libtorch has it, and only there");
        Assert.True(TensorAssert.RelativeL2(expected.nan_to_num(), actual.nan_to_num()) < 5e-3);
    }

    /// <summary>A transposed (non-contiguous) query is made contiguous for the kernel; values of another width than the
    /// queries', and tensors that record gradients, go to libtorch.</summary>
    [Fact]
    public void OtherLayoutsAndWhatTheKernelDoesNotTake()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(19);
        var transposed = randn([2, 80, 48], generator: generator).to(ScalarType.BFloat16).transpose(1, 2);
        var key = randn([2, 50, 80], generator: generator).to(ScalarType.BFloat16);
        var expected = Libtorch(transposed, key, key, heads: 2);
        Assert.True(TensorAssert.RelativeL2(expected, ScaledDotProductAttention.Forward(transposed, key, key, heads: 2)) < 5e-3);

        var wideValues = randn([2, 50, 160], generator: generator).to(ScalarType.BFloat16);
        Assert.True(Identical(ScaledDotProductAttention.Forward(transposed, key, wideValues, heads: 2), Libtorch(transposed, key, wideValues, heads: 2)));

        var recording = transposed.contiguous().requires_grad_(true);
        var attended = ScaledDotProductAttention.Forward(recording, key, key, heads: 2);
        Assert.True(attended.requires_grad);
        Assert.True(Identical(attended.detach(), Libtorch(recording, key, key, heads: 2).detach()));
    }

    [Fact]
    public void LibtorchOnlySendsBf16ToLibtorch()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(13);
        var tokens = randn([2, 96, 80], generator: generator).to(ScalarType.BFloat16);

        Assert.True(Identical(ScaledDotProductAttention.Forward(tokens, tokens, tokens, heads: 2, libtorchOnly: true),
            Libtorch(tokens, tokens, tokens, heads: 2)));
    }

    [Fact]
    public void Float32GoesToLibtorch()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(11);
        var query = randn([2, 64, 80], generator: generator);
        var key = randn([2, 77, 80], generator: generator);
        var value = randn([2, 77, 80], generator: generator);

        Assert.True(Identical(ScaledDotProductAttention.Forward(query, key, value, heads: 2), Libtorch(query, key, value, heads: 2)));
    }

    /// <summary>libtorch's attention over [B, N, heads·d] tokens, written here from its own functional call.</summary>
    private static Tensor Libtorch(Tensor query, Tensor key, Tensor value, int heads)
    {
        Tensor Split(Tensor t) => t.reshape(t.shape[0], t.shape[1], heads, -1).transpose(1, 2);
        var attended = nn.functional.scaled_dot_product_attention(Split(query), Split(key), Split(value));
        return attended.transpose(1, 2).reshape(query.shape[0], query.shape[1], -1);
    }

    private static bool Identical(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();
}
