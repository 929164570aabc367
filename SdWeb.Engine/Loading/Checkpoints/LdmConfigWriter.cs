using System.Globalization;
using System.Text;

namespace SdWeb.Engine.Loading.Checkpoints;

/// <summary>
/// Writes the LDM config (CompVis' v1-inference.yaml with the model's own widths, heads, scale factor and noise schedule)
/// that goes beside a single-file checkpoint, so that <see cref="LdmConfigFile"/> (and AUTOMATIC1111) build the model
/// the file was made from rather than SD v1's defaults.
/// </summary>
internal static class LdmConfigWriter
{
    public static void Write(string path, ModelSource source)
    {
        var unet = source.UNet.Config;
        var vae = source.Vae.Config;
        var schedule = source.Scheduler.Config;
        var baseWidth = unet.BlockOutChannels[0];
        // LDM names an attention level by its downsampling factor (SD v1: 4, 2, 1).
        var attentionResolutions = unet.DownBlockTypes.Select((type, level) => (type, level))
            .Where(b => b.type.StartsWith("CrossAttn", StringComparison.Ordinal)).Select(b => 1 << b.level).Reverse();
        var text = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"# LDM config for {Path.GetFileName(Path.ChangeExtension(path, ".safetensors"))}, written by SdWeb.")
            .AppendLine("model:")
            .AppendLine("  base_learning_rate: 0.0001")
            .AppendLine("  target: ldm.models.diffusion.ddpm.LatentDiffusion")
            .AppendLine("  params:")
            .AppendLine(Invariant($"    linear_start: {schedule.BetaStart}"))
            .AppendLine(Invariant($"    linear_end: {schedule.BetaEnd}"))
            .AppendLine(Invariant($"    timesteps: {schedule.NumTrainTimesteps}"))
            .AppendLine(schedule.PredictionType == "v_prediction" ? "    parameterization: v" : "    parameterization: eps")
            .AppendLine("    num_timesteps_cond: 1")
            .AppendLine("    first_stage_key: jpg")
            .AppendLine("    cond_stage_key: txt")
            .AppendLine(Invariant($"    image_size: {unet.SampleSize}"))
            .AppendLine(Invariant($"    channels: {unet.InChannels}"))
            .AppendLine("    cond_stage_trainable: false")
            .AppendLine("    conditioning_key: crossattn")
            .AppendLine("    monitor: val/loss_simple_ema")
            .AppendLine(Invariant($"    scale_factor: {vae.ScalingFactor}"))
            .AppendLine("    use_ema: false")
            .AppendLine("    unet_config:")
            .AppendLine("      target: ldm.modules.diffusionmodules.openaimodel.UNetModel")
            .AppendLine("      params:")
            .AppendLine(Invariant($"        image_size: {unet.SampleSize}"))
            .AppendLine(Invariant($"        in_channels: {unet.InChannels}"))
            .AppendLine(Invariant($"        out_channels: {unet.OutChannels}"))
            .AppendLine(Invariant($"        model_channels: {baseWidth}"))
            .AppendLine(List("        attention_resolutions:", attentionResolutions))
            .AppendLine(Invariant($"        num_res_blocks: {unet.LayersPerBlock}"))
            .AppendLine(List("        channel_mult:", unet.BlockOutChannels.Select(c => c / baseWidth)))
            .AppendLine(Heads(unet.NumAttentionHeads ?? unet.AttentionHeadDim, unet.BlockOutChannels, source))
            .AppendLine("        use_spatial_transformer: true")
            .AppendLine(Invariant($"        transformer_depth: {unet.TransformerLayersPerBlock}"))
            .AppendLine(Invariant($"        context_dim: {unet.CrossAttentionDim}"))
            .AppendLine(unet.UseLinearProjection ? "        use_linear_in_transformer: true" : "        use_linear_in_transformer: false")
            .AppendLine("        use_checkpoint: true")
            .AppendLine("        legacy: false")
            .AppendLine("    first_stage_config:")
            .AppendLine("      target: ldm.models.autoencoder.AutoencoderKL")
            .AppendLine("      params:")
            .AppendLine(Invariant($"        embed_dim: {vae.LatentChannels}"))
            .AppendLine("        monitor: val/rec_loss")
            .AppendLine("        ddconfig:")
            .AppendLine("          double_z: true")
            .AppendLine(Invariant($"          z_channels: {vae.LatentChannels}"))
            .AppendLine(Invariant($"          resolution: {vae.SampleSize}"))
            .AppendLine(Invariant($"          in_channels: {vae.InChannels}"))
            .AppendLine(Invariant($"          out_ch: {vae.OutChannels}"))
            .AppendLine(Invariant($"          ch: {vae.BlockOutChannels[0]}"))
            .AppendLine(List("          ch_mult:", vae.BlockOutChannels.Select(c => c / vae.BlockOutChannels[0])))
            .AppendLine(Invariant($"          num_res_blocks: {vae.LayersPerBlock}"))
            .AppendLine("          attn_resolutions: []")
            .AppendLine("          dropout: 0.0")
            .AppendLine("        lossconfig:")
            .AppendLine("          target: torch.nn.Identity")
            .AppendLine("    cond_stage_config:")
            .AppendLine("      target: ldm.modules.encoders.modules.FrozenCLIPEmbedder");
        File.WriteAllText(path, text.ToString());
    }

    /// <summary>LDM's num_heads when every level has the same count, else num_head_channels (the same width everywhere).</summary>
    private static string Heads(IReadOnlyList<int> heads, IReadOnlyList<int> channels, ModelSource source)
    {
        if (heads.Distinct().Count() == 1) return Invariant($"        num_heads: {heads[0]}");
        var widths = channels.Select((c, i) => c / heads[i]).Distinct().ToList();
        if (widths.Count != 1)
            throw new ModelLoadException($"{source.Path}: its attention heads per level ({string.Join(", ", heads)}) have no LDM config.");
        return Invariant($"        num_heads: -1\n        num_head_channels: {widths[0]}");
    }

    /// <summary>A key and its block sequence, the items at the key's indentation (as CompVis' files write them).</summary>
    private static string List(string key, IEnumerable<int> values)
    {
        var indent = key[..(key.Length - key.TrimStart().Length)];
        return key + string.Concat(values.Select(v => Invariant($"\n{indent}- {v}")));
    }

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);
}
