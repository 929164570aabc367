using TorchSharp;
using static TorchSharp.torch;

namespace SdWeb.Engine.Kernels;

/// <summary>
/// Multi-head scaled-dot-product attention over projected tokens: <see cref="Bf16FlashAttention"/> for bf16 on the CPU
/// where it is available, libtorch's <c>scaled_dot_product_attention</c> for everything else (fp32, fp16, CUDA, training).
/// </summary>
internal static class ScaledDotProductAttention
{
    /// <summary>softmax(q·kᵀ/√d)·v per head, for q [B, Lq, heads·d], k and v [B, Lk, heads·d]; returns [B, Lq, heads·d].</summary>
    /// <param name="libtorchOnly">libtorch's attention for bf16 too (<see cref="Devices.ModelPlacement.LibtorchAttention"/>).</param>
    public static Tensor Forward(Tensor query, Tensor key, Tensor value, int heads, bool libtorchOnly = false)
    {
        using var scope = NewDisposeScope();
        var attended = !libtorchOnly && TakesBf16Kernel(query, key, value, heads)
            ? Bf16FlashAttention.Forward(query.contiguous(), key.contiguous(), value.contiguous(), heads)
            : Libtorch(query, key, value, heads);
        return attended.MoveToOuterDisposeScope();
    }

    private static Tensor Libtorch(Tensor query, Tensor key, Tensor value, int heads)
    {
        var batch = query.shape[0];
        var attended = nn.functional.scaled_dot_product_attention(
            SplitHeads(query, batch, heads), SplitHeads(key, batch, heads), SplitHeads(value, batch, heads), p: 0.0, is_casual: false);
        return attended.transpose(1, 2).reshape(batch, query.shape[1], -1);
    }

    /// <summary>What the kernel takes: bf16 CPU tensors of one batch and width, keys and values alike, an even head width
    /// up to its maximum, no gradient (it has no backward), and something to attend to. libtorch takes (or refuses) the rest.</summary>
    private static bool TakesBf16Kernel(Tensor query, Tensor key, Tensor value, int heads)
    {
        Tensor[] all = [query, key, value];
        if (!all.All(t => t.device_type == DeviceType.CPU && t.dtype == ScalarType.BFloat16 && t.dim() == 3 && !t.requires_grad))
            return false;
        var (batch, width) = (query.shape[0], query.shape[2]);
        return key.shape.SequenceEqual(value.shape) && key.shape[0] == batch && key.shape[2] == width
            && query.shape[1] > 0 && key.shape[1] > 0
            && width % heads == 0 && width / heads % 2 == 0 && width / heads <= Bf16FlashAttention.MaxHeadDim
            && Bf16FlashAttention.IsAvailable;
    }

    /// <summary>[B, N, heads·d] → [B, heads, N, d].</summary>
    private static Tensor SplitHeads(Tensor projected, long batch, int heads) =>
        projected.reshape(batch, -1, heads, projected.shape[^1] / heads).transpose(1, 2);
}
