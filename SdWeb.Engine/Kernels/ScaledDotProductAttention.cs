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
        return attended.transpose(1, 2).reshape(batch, -1, query.shape[2]);
    }

    private static bool TakesBf16Kernel(Tensor query, Tensor key, Tensor value, int heads) =>
        query.device_type == DeviceType.CPU
        && query.dtype == ScalarType.BFloat16 && key.dtype == ScalarType.BFloat16 && value.dtype == ScalarType.BFloat16
        && !(query.requires_grad || key.requires_grad || value.requires_grad) // the kernel has no backward
        && query.shape[2] % heads == 0 && query.shape[2] / heads % 2 == 0 && query.shape[2] / heads <= Bf16FlashAttention.MaxHeadDim
        && Bf16FlashAttention.IsAvailable;

    /// <summary>[B, N, heads·d] → [B, heads, N, d].</summary>
    private static Tensor SplitHeads(Tensor projected, long batch, int heads) =>
        projected.view(batch, -1, heads, projected.shape[^1] / heads).transpose(1, 2);
}
