namespace SdWeb.Engine.Loading.Checkpoints;

/// <summary>
/// Renames an original (CompVis/LDM openaimodel) UNet state-dict key, without its <c>model.diffusion_model.</c> prefix,
/// to diffusers' UNet2DConditionModel name, as diffusers' convert_ldm_unet_checkpoint does. LDM numbers its blocks
/// flatly (input_blocks.0 is conv_in; then per level <c>layers_per_block</c> resnet(+attention) blocks and one downsampler);
/// diffusers nests them per level. <see cref="ToLdm"/> is the inverse, from the same tables, for writing single files.
/// </summary>
internal static class LdmUNetKeys
{
    private static readonly (string Ldm, string Diffusers)[] ResnetParts =
    [
        ("in_layers.0.", "norm1."), ("in_layers.2.", "conv1."), ("emb_layers.1.", "time_emb_proj."),
        ("out_layers.0.", "norm2."), ("out_layers.3.", "conv2."), ("skip_connection.", "conv_shortcut."),
    ];

    private static readonly (string Ldm, string Diffusers)[] TopLevel =
    [
        ("time_embed.0.", "time_embedding.linear_1."), ("time_embed.2.", "time_embedding.linear_2."),
        ("input_blocks.0.0.", "conv_in."), ("out.0.", "conv_norm_out."), ("out.2.", "conv_out."),
    ];

    /// <summary>The layers per block an LDM UNet was built with: its first downsampler follows that many blocks.</summary>
    public static int LayersPerBlock(IEnumerable<string> ldmKeys)
    {
        var firstDownsampler = ldmKeys.Select(k => k.Split('.'))
            .Where(p => p.Length > 3 && p[0] == "input_blocks" && p[2] == "0" && p[3] == "op")
            .Select(p => int.Parse(p[1])).DefaultIfEmpty(0).Min();
        if (firstDownsampler < 2)
            throw new ModelLoadException("the UNet has no downsampling block (input_blocks.N.0.op); it is not a Stable Diffusion v1 UNet.");
        return firstDownsampler - 1;
    }

    /// <returns>The diffusers name, or null for a key diffusers' UNet has no place for.</returns>
    public static string? ToDiffusers(string key, int layersPerBlock)
    {
        foreach (var (ldm, diffusers) in TopLevel)
            if (key.StartsWith(ldm, StringComparison.Ordinal)) return diffusers + key[ldm.Length..];

        if (key.StartsWith("middle_block.", StringComparison.Ordinal)) return MiddleBlock(key.Split('.', 3));

        var p = key.Split('.', 4);
        if (p.Length < 4 || !int.TryParse(p[1], out int index) || !int.TryParse(p[2], out int part)) return null;
        string rest = p[3];
        int perLevel = layersPerBlock + 1;
        switch (p[0])
        {
            case "input_blocks" when index > 0:
            {
                int level = (index - 1) / perLevel, layer = (index - 1) % perLevel;
                if (rest.StartsWith("op.", StringComparison.Ordinal)) return $"down_blocks.{level}.downsamplers.0.conv.{rest[3..]}";
                return part == 0 ? $"down_blocks.{level}.resnets.{layer}.{Resnet(rest)}" : $"down_blocks.{level}.attentions.{layer}.{rest}";
            }
            case "output_blocks":
            {
                int level = index / perLevel, layer = index % perLevel;
                if (part == 0) return $"up_blocks.{level}.resnets.{layer}.{Resnet(rest)}";
                if (rest.StartsWith("conv.", StringComparison.Ordinal)) return $"up_blocks.{level}.upsamplers.0.conv.{rest[5..]}";
                return $"up_blocks.{level}.attentions.{layer}.{rest}";
            }
            default:
                return null;
        }
    }

    /// <summary>The original name of a diffusers UNet weight: the inverse of <see cref="ToDiffusers"/>.</summary>
    /// <param name="upLevelHasAttention">Whether an up level has cross-attention (its upsampler then sits third in its LDM block).</param>
    /// <returns>The LDM name, or null for a name the original UNet has no place for.</returns>
    public static string? ToLdm(string name, int layersPerBlock, Func<int, bool> upLevelHasAttention)
    {
        foreach (var (ldm, diffusers) in TopLevel)
            if (name.StartsWith(diffusers, StringComparison.Ordinal)) return ldm + name[diffusers.Length..];

        var p = name.Split('.', 5);
        if (p is ["mid_block", var kind, var index, _, ..])
        {
            string rest = string.Join('.', p[3..]);
            return (kind, index) switch
            {
                ("resnets", "0") => $"middle_block.0.{ResnetToLdm(rest)}",
                ("attentions", "0") => $"middle_block.1.{rest}",
                ("resnets", "1") => $"middle_block.2.{ResnetToLdm(rest)}",
                _ => null,
            };
        }
        if (p.Length < 5 || !int.TryParse(p[1], out int level) || !int.TryParse(p[3], out int layer)) return null;
        string tail = p[4];
        int perLevel = layersPerBlock + 1;
        return (p[0], p[2]) switch
        {
            ("down_blocks", "resnets") => $"input_blocks.{1 + level * perLevel + layer}.0.{ResnetToLdm(tail)}",
            ("down_blocks", "attentions") => $"input_blocks.{1 + level * perLevel + layer}.1.{tail}",
            ("down_blocks", "downsamplers") when tail.StartsWith("conv.", StringComparison.Ordinal) =>
                $"input_blocks.{1 + level * perLevel + layersPerBlock}.0.op.{tail[5..]}",
            ("up_blocks", "resnets") => $"output_blocks.{level * perLevel + layer}.0.{ResnetToLdm(tail)}",
            ("up_blocks", "attentions") => $"output_blocks.{level * perLevel + layer}.1.{tail}",
            ("up_blocks", "upsamplers") => $"output_blocks.{level * perLevel + layersPerBlock}.{(upLevelHasAttention(level) ? 2 : 1)}.{tail}",
            _ => null,
        };
    }

    private static string? MiddleBlock(string[] p) => p.Length < 3 ? null : p[1] switch
    {
        "0" => $"mid_block.resnets.0.{Resnet(p[2])}",
        "1" => $"mid_block.attentions.0.{p[2]}",
        "2" => $"mid_block.resnets.1.{Resnet(p[2])}",
        _ => null,
    };

    private static string Resnet(string rest)
    {
        foreach (var (ldm, diffusers) in ResnetParts)
            if (rest.StartsWith(ldm, StringComparison.Ordinal)) return diffusers + rest[ldm.Length..];
        return rest;
    }

    private static string ResnetToLdm(string rest)
    {
        foreach (var (ldm, diffusers) in ResnetParts)
            if (rest.StartsWith(diffusers, StringComparison.Ordinal)) return ldm + rest[diffusers.Length..];
        return rest;
    }
}
