using SdWeb.Engine.Devices;
using static TorchSharp.torch;

namespace SdWeb.Engine.Models.Vae;

/// <summary>Checks a VAE config before building from it, and the VAE's inputs, with clear messages.</summary>
internal static class VaeConfigValidation
{
    private const string Model = "VAE";

    public static void Check(AutoencoderKLConfig c)
    {
        ModelChecks.CheckLevels(Model, c.BlockOutChannels, c.DownBlockTypes.Count, c.UpBlockTypes.Count, c.NormNumGroups);
        foreach (var type in c.DownBlockTypes.Where(t => t != "DownEncoderBlock2D"))
            throw ModelChecks.UnknownBlock(Model, "down_block_types", type, "DownEncoderBlock2D");
        foreach (var type in c.UpBlockTypes.Where(t => t != "UpDecoderBlock2D"))
            throw ModelChecks.UnknownBlock(Model, "up_block_types", type, "UpDecoderBlock2D");
    }

    public static void CheckInput(int channels, ModelPlacement placement, Tensor input, string name)
    {
        if (input.dim() != 4 || input.shape[1] != channels)
            throw new ArgumentException(
                $"The {Model}'s {name} must be [batch, {channels}, height, width]; got [{ModelChecks.Shape(input)}].", name);
        ModelChecks.CheckPlacement(Model, placement, input, name);
    }
}
