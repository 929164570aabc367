using TorchSharp;

namespace SdWeb.Engine.Networks;

/// <summary>
/// One low-rank update of a Linear or Conv2d weight: ΔW = (alpha / rank) · up @ down, reshaped to the weight.
/// Down is [rank, in] or [rank, in, kh, kw] (LoCon convolutions), up [out, rank] or [out, rank, 1, 1]; float32 on the CPU.
/// </summary>
/// <param name="Name">The file entry of its down matrix, for messages.</param>
internal sealed record LoraLayer(string Name, LoraComponent Component, string FlatModule, torch.Tensor Down, torch.Tensor Up, float? Alpha)
{
    public long Rank => Down.shape[0];

    /// <summary>alpha / rank; without alpha, 1 (A1111 and diffusers alike).</summary>
    public double Scale => Alpha is { } alpha ? alpha / Rank : 1.0;

    /// <summary>The weight shape this layer updates: [out, in] or [out, in, kh, kw].</summary>
    public long[] WeightShape => [Up.shape[0], .. Down.shape[1..]];

    /// <summary>
    /// Whether the update fits a weight: same out and in, same kernel (a [out, in] update also fits a 1x1 convolution and
    /// the other way round, as A1111 reshapes them).
    /// </summary>
    public bool Fits(long[] weight) =>
        weight.Length is 2 or 4 && weight[0] == Up.shape[0] && weight[1] == Down.shape[1] &&
        Kernel(weight) == Kernel(WeightShape) && Up.shape[1] == Rank && Up.shape[2..].All(d => d == 1);

    private static (long, long) Kernel(long[] shape) => shape.Length == 4 ? (shape[2], shape[3]) : (1, 1);

    /// <summary>multiplier · scale · up @ down in float32 on <paramref name="device"/>, shaped like the weight.</summary>
    public torch.Tensor Delta(long[] weightShape, double multiplier, torch.Device device)
    {
        using var scope = torch.NewDisposeScope();
        var up = Up.to(device).reshape(Up.shape[0], -1);
        var down = Down.to(device).reshape(Rank, -1);
        return (torch.mm(up, down) * (Scale * multiplier)).reshape(weightShape).MoveToOuterDisposeScope();
    }
}
