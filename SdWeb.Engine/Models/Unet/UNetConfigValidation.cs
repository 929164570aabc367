using SdWeb.Engine.Devices;
using SdWeb.Engine.Loading;
using static TorchSharp.torch;

namespace SdWeb.Engine.Models.Unet;

/// <summary>Checks a UNet config before building from it, and a UNet's inputs before running it, with clear messages.</summary>
internal static class UNetConfigValidation
{
    private const string Model = "UNet";

    /// <summary>
    /// The attention head count of each down block: <c>num_attention_heads</c> when set, else <c>attention_head_dim</c>
    /// (which SD v1/v2 configs use for the head count), one value for every block or one per block.
    /// Also checks that the config's lists agree and the widths divide into groups and heads.
    /// </summary>
    public static IReadOnlyList<int> HeadCounts(UNet2DConditionConfig c)
    {
        ModelChecks.CheckLevels(Model, c.BlockOutChannels, c.DownBlockTypes.Count, c.UpBlockTypes.Count, c.NormNumGroups);
        var n = c.BlockOutChannels.Count;
        var (source, values) = c.NumAttentionHeads is { } explicitHeads
            ? ("num_attention_heads", explicitHeads)
            : ("attention_head_dim", c.AttentionHeadDim);
        var heads = values.Count == 1 ? Enumerable.Repeat(values[0], n).ToList()
            : values.Count == n ? values.ToList()
            : throw Invalid($"{source} has {values.Count} entries; give one number or one per block ({n}).");

        foreach (var (width, i) in c.BlockOutChannels.Select((w, i) => (w, i)))
        {
            var usesAttention = c.DownBlockTypes[i].StartsWith("CrossAttn", StringComparison.Ordinal)
                || c.UpBlockTypes[n - 1 - i].StartsWith("CrossAttn", StringComparison.Ordinal)
                || i == n - 1;
            if (usesAttention && (heads[i] <= 0 || width % heads[i] != 0))
                throw Invalid($"block_out_channels[{i}] = {width} cannot be split into {heads[i]} attention heads ({source}).");
        }
        return heads;
    }

    public static ModelLoadException UnknownBlock(string field, string value, string supported) =>
        ModelChecks.UnknownBlock(Model, field, value, supported);

    public static void CheckInputs(UNet2DConditionConfig c, ModelPlacement placement, Tensor sample, Tensor timestep,
        Tensor encoderHiddenStates)
    {
        if (sample.dim() != 4 || sample.shape[1] != c.InChannels)
            throw new ArgumentException(
                $"The UNet's sample must be [batch, {c.InChannels}, height, width]; got [{ModelChecks.Shape(sample)}].", nameof(sample));
        var batch = sample.shape[0];
        if (!(timestep.dim() == 0 || (timestep.dim() == 1 && (timestep.shape[0] == batch || timestep.shape[0] == 1))))
            throw new ArgumentException(
                $"The UNet's timestep must be a 0-d tensor or hold one value per sample ([{batch}]); got [{ModelChecks.Shape(timestep)}].",
                nameof(timestep));
        if (encoderHiddenStates.dim() != 3 || encoderHiddenStates.shape[0] != batch || encoderHiddenStates.shape[2] != c.CrossAttentionDim)
            throw new ArgumentException(
                $"The UNet's encoder hidden states must be [{batch}, tokens, {c.CrossAttentionDim}] for a batch of {batch}; " +
                $"got [{ModelChecks.Shape(encoderHiddenStates)}].", nameof(encoderHiddenStates));
        ModelChecks.CheckPlacement(Model, placement, sample, nameof(sample));
        ModelChecks.CheckPlacement(Model, placement, encoderHiddenStates, nameof(encoderHiddenStates));
    }

    private static ModelLoadException Invalid(string problem) => ModelChecks.InvalidConfig(Model, problem);
}
