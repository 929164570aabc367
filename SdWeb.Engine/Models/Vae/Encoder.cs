using SdWeb.Engine.Devices;
using SdWeb.Engine.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SdWeb.Engine.Models.Vae;

/// <summary>diffusers' vae.Encoder: image → 2·latent_channels moments (mean and log-variance), ÷2 per down block but the last.</summary>
internal sealed class Encoder : nn.Module<Tensor, Tensor>
{
    /// <summary>The VAE's GroupNorm epsilon, fixed in diffusers' vae.py.</summary>
    internal const double Eps = 1e-6;

    private readonly Conv2d conv_in;
    private readonly ModuleList<DownEncoderBlock2D> down_blocks;
    private readonly UNetMidBlock2D mid_block;
    private readonly Float32GroupNorm conv_norm_out;
    private readonly nn.Module<Tensor, Tensor> conv_act;
    private readonly Conv2d conv_out;

    public Encoder(AutoencoderKLConfig config, ModelPlacement placement) : base(nameof(Encoder))
    {
        var (device, dtype) = (placement.Device, placement.DType);
        var channels = config.BlockOutChannels;
        conv_in = nn.Conv2d(config.InChannels, channels[0], 3, stride: 1, padding: 1, device: device, dtype: dtype);
        down_blocks = nn.ModuleList(channels
            .Select((output, i) => new DownEncoderBlock2D(channels[Math.Max(i - 1, 0)], output, config.LayersPerBlock, Eps,
                config.ActFn, config.NormNumGroups, addDownsample: i < channels.Count - 1, downsamplePadding: 0, placement))
            .ToArray());
        mid_block = new UNetMidBlock2D(channels[^1], Eps, config.ActFn, config.NormNumGroups, attentionHeadDim: channels[^1], placement);
        conv_norm_out = new Float32GroupNorm(config.NormNumGroups, channels[^1], Eps, placement);
        conv_act = Activations.Create(config.ActFn);
        // double_z: the encoder outputs a mean and a log-variance per latent channel.
        conv_out = nn.Conv2d(channels[^1], 2 * config.LatentChannels, 3, stride: 1, padding: 1, device: device, dtype: dtype);
        RegisterComponents();
    }

    public override Tensor forward(Tensor sample)
    {
        using var scope = NewDisposeScope();
        var hidden = conv_in.RunInInputDType(sample);
        foreach (var block in down_blocks) hidden = block.forward(hidden).Replacing(hidden, sample);
        hidden = mid_block.forward(hidden).Replacing(hidden, sample);
        return NormActConv.Apply(conv_norm_out, conv_act, conv_out, hidden).MoveToOuterDisposeScope();
    }
}
