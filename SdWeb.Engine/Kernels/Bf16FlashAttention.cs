using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace SdWeb.Engine.Kernels;

/// <summary>
/// The bf16 flash-attention kernel of <c>Kernels/attention_bf16.c</c> (built into <c>libsdweb_kernels.so</c> with the
/// engine on Linux x64): both of attention's products in AVX-512 BF16 dot products, where libtorch 2.10's CPU kernel runs
/// bf16 no faster than fp32. Available where the library loads and the CPU has AVX-512 BF16.
/// </summary>
internal static class Bf16FlashAttention
{
    private const string Library = NativeKernels.Library;

    /// <summary>The widest head the kernel takes (the VAE's single 512-wide head); heads must also be even.</summary>
    public const int MaxHeadDim = 512;

    private static readonly Lazy<string?> Unavailability = new(Probe);

    /// <summary>Whether the kernel runs here.</summary>
    public static bool IsAvailable => Unavailability.Value is null;

    /// <summary>Why it does not, for the log and <c>bench</c>; null where it does.</summary>
    public static string? WhyUnavailable => Unavailability.Value;

    /// <summary>
    /// softmax(q·kᵀ/√d)·v per head, for contiguous bf16 CPU tensors q [B, Lq, heads·d], k and v [B, Lk, heads·d]
    /// (Lq, Lk ≥ 1; <see cref="ScaledDotProductAttention"/> checks the shapes); returns [B, Lq, heads·d].
    /// </summary>
    public static Tensor Forward(Tensor query, Tensor key, Tensor value, int heads)
    {
        KernelUse.CountBf16Attention();
        var (batch, queries, width) = (query.shape[0], query.shape[1], query.shape[2]);
        var headDim = width / heads;
        var output = empty([batch, queries, width], dtype: ScalarType.BFloat16, device: query.device);
        var status = sdweb_attention_bf16(ref First(query), ref First(key), ref First(value), ref First(output),
            checked((int)batch), heads, checked((int)queries), checked((int)key.shape[1]), checked((int)headDim),
            (float)(1 / Math.Sqrt(headDim)), get_num_threads());
        GC.KeepAlive(query); // the native call reads their storage: no finalizer may free it before the call returns
        GC.KeepAlive(key);
        GC.KeepAlive(value);
        if (status == 0) return output;
        output.Dispose();
        throw status == -2
            ? new InsufficientMemoryException($"Out of memory for the bf16 attention kernel's packed keys and values ({batch}×{heads} heads of {key.shape[1]} keys).")
            : new ArgumentException($"The bf16 attention kernel takes even head widths up to {MaxHeadDim}; got {heads} heads of {headDim}.");
    }

    private static ref byte First(Tensor tensor) => ref NativeKernels.First(tensor);

    private static string? Probe()
    {
        string? why = null;
        return NativeKernels.Unavailability(() => why = sdweb_attention_bf16_supported() == 1 ? null : "this CPU has no AVX-512 BF16") ?? why;
    }

    [DllImport(Library, ExactSpelling = true)]
    private static extern int sdweb_attention_bf16_supported();

    [DllImport(Library, ExactSpelling = true)]
    private static extern int sdweb_attention_bf16(ref byte query, ref byte key, ref byte value, ref byte output,
        int batch, int heads, int queries, int keys, int headDim, float scale, int threads);
}
