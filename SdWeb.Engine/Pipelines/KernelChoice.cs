namespace SdWeb.Engine.Pipelines;

/// <summary>
/// SdWeb's own kernels a generation ran, or a request allows: Winograd F(4×4, 3×3) for wide float32 3×3 convolutions on
/// the CPU, and the AVX-512 BF16 attention for bf16 on the CPU. Each changes the numbers in the last bits against
/// libtorch's, so what ran is recorded with every image and a reproduction allows exactly that.
/// </summary>
public sealed record KernelChoice(bool Winograd, bool Bf16Attention)
{
    private const string WinogradName = "winograd";
    private const string Bf16AttentionName = "bf16-attention";
    private const string LibtorchName = "libtorch";

    /// <summary>libtorch's kernels everywhere.</summary>
    public static KernelChoice Libtorch { get; } = new(false, false);

    /// <summary>The stored form: "winograd", "bf16-attention", both joined by '+', or "libtorch" for neither.</summary>
    public string Name => (Winograd, Bf16Attention) switch
    {
        (false, false) => LibtorchName,
        (true, false) => WinogradName,
        (false, true) => Bf16AttentionName,
        (true, true) => $"{WinogradName}+{Bf16AttentionName}",
    };

    /// <summary>For people: what ran besides libtorch's kernels.</summary>
    public string Description => (Winograd, Bf16Attention) switch
    {
        (false, false) => "libtorch's kernels",
        (true, false) => "Winograd convolutions",
        (false, true) => "SdWeb's bf16 attention",
        (true, true) => "Winograd convolutions, SdWeb's bf16 attention",
    };

    /// <summary>Every choice, libtorch's first.</summary>
    public static IReadOnlyList<KernelChoice> All { get; } = [Libtorch, new(true, false), new(false, true), new(true, true)];

    /// <summary>Reads <see cref="Name"/>; null for null or a name this version does not know.</summary>
    public static KernelChoice? Parse(string? name) => All.FirstOrDefault(k => k.Name == name);

    public override string ToString() => Name;
}
