using TorchSharp;
using static TorchSharp.torch;

namespace SdWeb.Engine.Models.Unet;

/// <summary>A block of the UNet's contracting path (diffusers' get_down_block types).</summary>
internal abstract class UNetDownBlock(string name) : nn.Module(name)
{
    /// <returns>The block's output and the states it hands to the up path's skip connections, in order.</returns>
    public abstract (Tensor Output, IReadOnlyList<Tensor> Skips) forward(Tensor hiddenStates, Tensor temb, Tensor encoderHiddenStates);
}
