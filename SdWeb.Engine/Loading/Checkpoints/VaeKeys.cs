namespace SdWeb.Engine.Loading.Checkpoints;

/// <summary>
/// Renames VAE state-dict keys to diffusers 0.24's AutoencoderKL names, from any of the three namings in use:
/// original LDM (<c>encoder.down.0.block.0…</c>, <c>mid.attn_1.q</c>; decoder levels numbered the other way round),
/// old diffusers (<c>attentions.0.query/key/value/proj_attn</c>, e.g. sd-vae-ft-mse) and current diffusers (unchanged).
/// The mid-block attention's q/k/v/out weights are 1×1 convs [C,C,1,1] in LDM files and Linear [C,C] in diffusers.
/// <see cref="ToLdm"/> is the inverse into LDM naming, from the same tables, for writing single files.
/// </summary>
internal static class VaeKeys
{
    private static readonly (string From, string To)[] LdmAttentionParts =
    [
        ("norm.", "group_norm."), ("q.", "to_q."), ("k.", "to_k."), ("v.", "to_v."), ("proj_out.", "to_out.0."),
    ];

    private static readonly (string From, string To)[] AttentionParts =
    [
        .. LdmAttentionParts, ("query.", "to_q."), ("key.", "to_k."), ("value.", "to_v."), ("proj_attn.", "to_out.0."),
    ];

    private const string NinShortcut = "nin_shortcut.", ConvShortcut = "conv_shortcut.";

    /// <summary>The diffusers name and whether the weight must be reshaped from a 1×1 conv to a Linear.</summary>
    public readonly record struct Renamed(string Name, bool ConvToLinear);

    /// <param name="key">A key without any <c>first_stage_model.</c> prefix.</param>
    /// <param name="decoderLevels">How many up levels the decoder has (LDM numbers them from the output side).</param>
    /// <param name="isConv1x1">Whether the stored tensor is 4-D (a 1×1 conv), for the attention reshape.</param>
    /// <returns>The diffusers name, or null for a key AutoencoderKL has no place for.</returns>
    public static Renamed? ToDiffusers(string key, int decoderLevels, bool isConv1x1)
    {
        var p = key.Split('.');
        if (p.Length < 2) return null;
        string coder = p[0];
        if (coder is "quant_conv" or "post_quant_conv") return new Renamed(key, false);
        if (coder is not ("encoder" or "decoder")) return null;

        string tail = string.Join('.', p[1..]);
        if (p[1] is "conv_in" or "conv_out" or "conv_norm_out") return new Renamed(key, false);
        if (p[1] == "norm_out") return new Renamed($"{coder}.conv_norm_out.{string.Join('.', p[2..])}", false);
        if (p[1] == "mid" && p.Length > 3)
        {
            string rest = string.Join('.', p[3..]);
            return p[2] switch
            {
                "block_1" => new Renamed($"{coder}.mid_block.resnets.0.{Resnet(rest)}", false),
                "block_2" => new Renamed($"{coder}.mid_block.resnets.1.{Resnet(rest)}", false),
                "attn_1" => Attention($"{coder}.mid_block.attentions.0.", rest, isConv1x1),
                _ => null,
            };
        }
        if (p[1] is "down" or "up" && p.Length > 4 && int.TryParse(p[2], out int level))
        {
            string blocks = p[1] == "down" ? "down_blocks" : "up_blocks";
            int diffusersLevel = p[1] == "up" ? decoderLevels - 1 - level : level;
            string prefix = $"{coder}.{blocks}.{diffusersLevel}.";
            string rest = string.Join('.', p[4..]);
            return p[3] switch
            {
                "block" when p.Length > 5 => new Renamed($"{prefix}resnets.{p[4]}.{Resnet(string.Join('.', p[5..]))}", false),
                "downsample" => new Renamed($"{prefix}downsamplers.0.{rest}", false),
                "upsample" => new Renamed($"{prefix}upsamplers.0.{rest}", false),
                _ => null,
            };
        }
        const string diffusersAttention = "mid_block.attentions.0.";
        if (tail.StartsWith(diffusersAttention, StringComparison.Ordinal))
            return Attention($"{coder}.{diffusersAttention}", tail[diffusersAttention.Length..], isConv1x1);
        return new Renamed(key, false);
    }

    /// <summary>The LDM name of a diffusers AutoencoderKL weight (the inverse of <see cref="ToDiffusers"/>).</summary>
    /// <param name="decoderLevels">How many up levels the decoder has.</param>
    /// <returns>The LDM name, whether the weight is stored as a 1×1 conv (a Linear in diffusers), or null for an unknown name.</returns>
    public static (string Name, bool LinearToConv)? ToLdm(string name, int decoderLevels)
    {
        var p = name.Split('.');
        if (p.Length < 2 || p[0] is "quant_conv" or "post_quant_conv" || p[1] is "conv_in" or "conv_out") return (name, false);
        string coder = p[0];
        if (p[1] == "conv_norm_out") return ($"{coder}.norm_out.{string.Join('.', p[2..])}", false);
        if (p is [_, "mid_block", "attentions", "0", _, ..])
        {
            string rest = string.Join('.', p[4..]);
            foreach (var (ldm, diffusers) in LdmAttentionParts)
                if (rest.StartsWith(diffusers, StringComparison.Ordinal))
                    return ($"{coder}.mid.attn_1.{ldm}{rest[diffusers.Length..]}", ldm != "norm." && rest.EndsWith(".weight", StringComparison.Ordinal));
            return null;
        }
        if (p is [_, "mid_block", "resnets", var index, _, ..] && index is "0" or "1")
            return ($"{coder}.mid.block_{int.Parse(index) + 1}.{ResnetToLdm(string.Join('.', p[4..]))}", false);
        if (p.Length > 4 && p[1] is "down_blocks" or "up_blocks" && int.TryParse(p[2], out int level))
        {
            string ldmLevel = p[1] == "up_blocks" ? $"up.{decoderLevels - 1 - level}" : $"down.{level}";
            return p[3] switch
            {
                "resnets" when p.Length > 5 => ($"{coder}.{ldmLevel}.block.{p[4]}.{ResnetToLdm(string.Join('.', p[5..]))}", false),
                "downsamplers" => ($"{coder}.{ldmLevel}.downsample.{string.Join('.', p[5..])}", false),
                "upsamplers" => ($"{coder}.{ldmLevel}.upsample.{string.Join('.', p[5..])}", false),
                _ => null,
            };
        }
        return null;
    }

    /// <summary>How many up levels an LDM-named decoder has (decoder.up.N).</summary>
    public static int LdmDecoderLevels(IEnumerable<string> keys) =>
        keys.Select(k => k.Split('.')).Where(p => p.Length > 2 && p[0] == "decoder" && p[1] == "up")
            .Select(p => int.TryParse(p[2], out var i) ? i + 1 : 0).DefaultIfEmpty(0).Max();

    private static Renamed Attention(string prefix, string rest, bool isConv1x1)
    {
        foreach (var (from, to) in AttentionParts)
            if (rest.StartsWith(from, StringComparison.Ordinal))
                return new Renamed(prefix + to + rest[from.Length..], isConv1x1 && from != "norm.");
        return new Renamed(prefix + rest, false);
    }

    private static string Resnet(string rest) =>
        rest.StartsWith(NinShortcut, StringComparison.Ordinal) ? ConvShortcut + rest[NinShortcut.Length..] : rest;

    private static string ResnetToLdm(string rest) =>
        rest.StartsWith(ConvShortcut, StringComparison.Ordinal) ? NinShortcut + rest[ConvShortcut.Length..] : rest;
}
