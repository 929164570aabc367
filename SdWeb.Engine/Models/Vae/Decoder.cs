using SdWeb.Engine.Devices;
using SdWeb.Engine.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SdWeb.Engine.Models.Vae;

/// <summary>diffusers' vae.Decoder: latent → image, ×2 per up block but the last.</summary>
internal sealed class Decoder : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv_in;
    private readonly UNetMidBlock2D mid_block;
    private readonly ModuleList<UpDecoderBlock2D> up_blocks;
    private readonly Float32GroupNorm conv_norm_out;
    private readonly nn.Module<Tensor, Tensor> conv_act;
    private readonly Conv2d conv_out;

    public Decoder(AutoencoderKLConfig config, ModelPlacement placement) : base(nameof(Decoder))
    {
        var (device, dtype) = (placement.Device, placement.DType);
        var reversed = config.BlockOutChannels.Reverse().ToList();
        conv_in = nn.Conv2d(config.LatentChannels, reversed[0], 3, stride: 1, padding: 1, device: device, dtype: dtype);
        mid_block = new UNetMidBlock2D(reversed[0], Encoder.Eps, config.ActFn, config.NormNumGroups, attentionHeadDim: reversed[0], placement);
        up_blocks = nn.ModuleList(reversed
            .Select((output, i) => new UpDecoderBlock2D(reversed[Math.Max(i - 1, 0)], output, config.LayersPerBlock + 1, Encoder.Eps,
                config.ActFn, config.NormNumGroups, addUpsample: i < reversed.Count - 1, placement))
            .ToArray());
        conv_norm_out = new Float32GroupNorm(config.NormNumGroups, reversed[^1], Encoder.Eps, placement);
        conv_act = Activations.Create(config.ActFn);
        conv_out = nn.Conv2d(reversed[^1], config.OutChannels, 3, stride: 1, padding: 1, device: device, dtype: dtype);
        // With bf16 weights on the CPU the weights are half fp32's, and so is what the decode may hold within 1.3× them:
        // float32 maps at 512² (bf16 weights) are two to three times that; bf16 maps (bf16-compute, auto's usual pick) fit
        // whole, but only just, and not after a long run's steps have fragmented the heaps (docs/performance.md).
        Bands = device.type == DeviceType.CPU && dtype != ScalarType.Float32 ? DecoderBands.MemoryMode : null;
        RegisterComponents();
    }

    /// <summary>How the up path runs in row bands (<see cref="DecoderBands"/>); null for whole maps.</summary>
    internal DecoderBands? Bands { get; set; }

    public override Tensor forward(Tensor latents)
    {
        using var scope = NewDisposeScope();
        var hidden = conv_in.RunInInputDType(latents);
        hidden = mid_block.forward(hidden).Replacing(hidden, latents);
        // Each block takes its input over and frees it after its first resnet: at 512² the last block's 256-channel input
        // would otherwise stay live under all three resnets (docs/performance.md, "Peak RSS"). Every input handed over is
        // the decoder's own (the mid block's output onwards), never the caller's latents.
        var blocks = 0;
        for (; blocks < up_blocks.Count && !InRowBands(hidden); blocks++)
        {
            // What the UNet's steps or the last block freed, not kept under this block's larger maps (a generation's largest).
            HostMemory.ReleaseFreed();
            hidden = up_blocks[blocks].ForwardConsuming(hidden);
        }
        if (blocks < up_blocks.Count) return ForwardInRowBands(hidden, blocks).MoveToOuterDisposeScope();
        return NormActConv.Apply(conv_norm_out, conv_act, conv_out, hidden).MoveToOuterDisposeScope();
    }

    /// <summary>Whether the up blocks from here on run in bands: at inference (bands free as they go), zero padded.</summary>
    private bool InRowBands(Tensor hidden) =>
        Bands is { } bands && hidden.shape[2] >= bands.FromHeight && !is_grad_enabled()
            && modules().OfType<Conv2d>().All(c => c.padding_mode == PaddingModes.Zeros);

    /// <summary>Up blocks <paramref name="firstBlock"/> onwards and the output head over <paramref name="hidden"/> in row bands.</summary>
    private Tensor ForwardInRowBands(Tensor hidden, int firstBlock)
    {
        var bands = RowBands.Split(hidden, Bands!.Count);
        hidden.Dispose();
        try
        {
            foreach (var block in up_blocks.Skip(firstBlock))
            {
                HostMemory.ReleaseFreed();
                var next = block.ForwardBands(bands);
                bands.Dispose();
                bands = next;
            }
            using var head = new BandedNormActConv(conv_norm_out, conv_act, conv_out, bands);
            using var image = new RowBands([.. Enumerable.Range(0, bands.Count).Select(i =>
            {
                var band = head.Band(i);
                if (i > 0) bands.Release(i - 1);
                return band;
            })]);
            return image.Join();
        }
        finally
        {
            bands.Dispose();
        }
    }
}
