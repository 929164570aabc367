using SdWeb.Engine.Devices;
using SdWeb.Engine.Loading;
using static TorchSharp.torch;

namespace SdWeb.Engine.Models;

/// <summary>Checks shared by the UNet and the VAE: config consistency before building, tensor placement before running.</summary>
internal static class ModelChecks
{
    /// <summary>One down block type and one up block type per entry of block_out_channels, each a multiple of the GroupNorm groups.</summary>
    public static void CheckLevels(string model, IReadOnlyList<int> blockOutChannels, int downBlocks, int upBlocks, int normNumGroups)
    {
        var n = blockOutChannels.Count;
        if (n == 0) throw InvalidConfig(model, "block_out_channels is empty.");
        if (downBlocks != n || upBlocks != n)
            throw InvalidConfig(model, $"block_out_channels has {n} entries, down_block_types {downBlocks} and " +
                $"up_block_types {upBlocks}; they must have one entry per resolution level.");
        for (var i = 0; i < n; i++)
            if (blockOutChannels[i] <= 0 || blockOutChannels[i] % normNumGroups != 0)
                throw InvalidConfig(model,
                    $"block_out_channels[{i}] = {blockOutChannels[i]} is not a positive multiple of norm_num_groups = {normNumGroups}.");
    }

    public static ModelLoadException UnknownBlock(string model, string field, string value, string supported) =>
        InvalidConfig(model, $"{field} contains \"{value}\", which this engine does not build (supported: {supported}).");

    public static ModelLoadException InvalidConfig(string model, string problem) => new($"Invalid {model} config: {problem}");

    public static void CheckPlacement(string model, ModelPlacement placement, Tensor input, string name)
    {
        if (input.dtype != placement.DType || input.device_type != placement.Device.type)
            throw new ArgumentException(
                $"The {model} runs on {placement} but its {name} is {ModelPlacement.DTypeName(input.dtype)} on {input.device}; " +
                "move it to the model's device and dtype first.", name);
    }

    public static string Shape(Tensor t) => string.Join(", ", t.shape);
}
