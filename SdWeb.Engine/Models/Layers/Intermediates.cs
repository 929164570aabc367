using static TorchSharp.torch;

namespace SdWeb.Engine.Models.Layers;

/// <summary>
/// Frees a block's intermediate results as they are replaced, instead of when the block's dispose scope ends, so a
/// chain of large feature maps (the VAE decoder at 512²) holds two at a time rather than all of them.
/// </summary>
internal static class Intermediates
{
    /// <summary>
    /// Answers <paramref name="next"/> after freeing <paramref name="previous"/>, unless that is the caller's
    /// <paramref name="input"/>: <c>hidden = layer.forward(hidden).Replacing(hidden, input)</c>. A null
    /// <paramref name="input"/> frees the input too: the caller handed it over.
    /// </summary>
    public static Tensor Replacing(this Tensor next, Tensor previous, Tensor? input)
    {
        if (!ReferenceEquals(previous, input) && !ReferenceEquals(previous, next)) previous.Dispose();
        return next;
    }
}
