namespace SdWeb.Engine.Models.Vae;

/// <summary>
/// How the VAE decoder runs its up path in row bands (<see cref="Layers.RowBands"/>): from the first up block whose input
/// has at least <paramref name="FromHeight"/> rows, cut into <paramref name="Count"/> bands. The result is the whole-map
/// decode's to float32 rounding; what it saves is memory (docs/performance.md, "Decoding in row bands").
/// </summary>
internal sealed record DecoderBands(int Count, long FromHeight)
{
    /// <summary>
    /// For bf16 weights on the CPU, in either compute mode: from the 128² maps of a 512² image (8 rows a band there, 32 at
    /// 512²), where the maps grow past what the mode may hold; the 64² blocks before are small and run whole, as fast as ever.
    /// </summary>
    public static DecoderBands MemoryMode { get; } = new(16, 128);
}
