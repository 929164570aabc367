using TorchSharp;
using static TorchSharp.torch;

namespace SdWeb.Engine.Models.Unet;

/// <summary>A block of the UNet's expanding path (diffusers' get_up_block types).</summary>
internal abstract class UNetUpBlock(string name) : nn.Module(name)
{
    /// <summary>How many skip states the block consumes (one per resnet).</summary>
    public abstract int SkipCount { get; }

    /// <param name="skips">The last <see cref="SkipCount"/> skip states of the down path, oldest first; consumed from the end.</param>
    /// <param name="upsampleSize">[H, W] the upsampler must produce, when the latent size is not a multiple of the UNet's
    /// overall down-sampling factor; null for ×2.</param>
    public abstract Tensor forward(Tensor hiddenStates, IReadOnlyList<Tensor> skips, Tensor temb, Tensor encoderHiddenStates,
        long[]? upsampleSize);
}
