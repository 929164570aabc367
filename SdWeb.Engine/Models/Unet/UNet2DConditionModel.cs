using SdWeb.Engine.Devices;
using SdWeb.Engine.Loading;
using SdWeb.Engine.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SdWeb.Engine.Models.Unet;

/// <summary>
/// diffusers' UNet2DConditionModel (unet_2d_condition.py) for Stable Diffusion v1/v2: predicts the noise in a latent
/// at a timestep, conditioned on text embeddings. Built from its config; parameter names match diffusers' state dict.
/// </summary>
internal sealed class UNet2DConditionModel : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
    private readonly Conv2d conv_in;
    private readonly Timesteps time_proj;
    private readonly TimestepEmbedding time_embedding;
    private readonly ModuleList<UNetDownBlock> down_blocks;
    private readonly UNetMidBlock2DCrossAttn mid_block;
    private readonly ModuleList<UNetUpBlock> up_blocks;
    private readonly Float32GroupNorm conv_norm_out;
    private readonly nn.Module<Tensor, Tensor> conv_act;
    private readonly Conv2d conv_out;
    private readonly int _numUpsamplers;

    public UNet2DConditionConfig Config { get; }
    public ModelPlacement Placement { get; }

    public UNet2DConditionModel(UNet2DConditionConfig config, ModelPlacement placement) : base(nameof(UNet2DConditionModel))
    {
        Config = config;
        Placement = placement;
        var heads = UNetConfigValidation.HeadCounts(config);
        var (device, dtype) = (placement.Device, placement.DType);
        var channels = config.BlockOutChannels;
        var blockCount = channels.Count;

        conv_in = nn.Conv2d(config.InChannels, channels[0], config.ConvInKernel, stride: 1, padding: (config.ConvInKernel - 1) / 2,
            device: device, dtype: dtype);
        var timeEmbedDim = channels[0] * 4;
        time_proj = new Timesteps(channels[0], config.FlipSinToCos, config.FreqShift);
        time_embedding = new TimestepEmbedding(channels[0], timeEmbedDim, config.ActFn, placement);

        var settings = new UNetBlockSettings(timeEmbedDim, config.NormEps, config.ActFn, config.NormNumGroups,
            config.CrossAttentionDim, config.TransformerLayersPerBlock, config.UseLinearProjection, placement);

        var downBlocks = new List<UNetDownBlock>();
        for (var i = 0; i < blockCount; i++)
        {
            var (input, output, addDownsample) = (channels[Math.Max(i - 1, 0)], channels[i], i < blockCount - 1);
            downBlocks.Add(config.DownBlockTypes[i] switch
            {
                "CrossAttnDownBlock2D" => new CrossAttnDownBlock2D(input, output, config.LayersPerBlock, heads[i],
                    config.OnlyCrossAttention, addDownsample, config.DownsamplePadding, settings),
                "DownBlock2D" => new DownBlock2D(input, output, config.LayersPerBlock, addDownsample, config.DownsamplePadding, settings),
                var other => throw UNetConfigValidation.UnknownBlock("down_block_types", other, "CrossAttnDownBlock2D, DownBlock2D"),
            });
        }
        down_blocks = nn.ModuleList(downBlocks.ToArray());

        mid_block = config.MidBlockType == "UNetMidBlock2DCrossAttn"
            ? new UNetMidBlock2DCrossAttn(channels[^1], heads[^1], config.MidBlockScaleFactor, settings)
            : throw UNetConfigValidation.UnknownBlock("mid_block_type", config.MidBlockType, "UNetMidBlock2DCrossAttn");

        var reversedChannels = channels.Reverse().ToList();
        var reversedHeads = heads.Reverse().ToList();
        var upBlocks = new List<UNetUpBlock>();
        for (var i = 0; i < blockCount; i++)
        {
            var prevOutput = reversedChannels[Math.Max(i - 1, 0)];
            var (output, input) = (reversedChannels[i], reversedChannels[Math.Min(i + 1, blockCount - 1)]);
            var addUpsample = i < blockCount - 1;
            upBlocks.Add(config.UpBlockTypes[i] switch
            {
                "CrossAttnUpBlock2D" => new CrossAttnUpBlock2D(input, output, prevOutput, config.LayersPerBlock + 1, reversedHeads[i],
                    config.OnlyCrossAttention, addUpsample, settings),
                "UpBlock2D" => new UpBlock2D(input, output, prevOutput, config.LayersPerBlock + 1, addUpsample, settings),
                var other => throw UNetConfigValidation.UnknownBlock("up_block_types", other, "CrossAttnUpBlock2D, UpBlock2D"),
            });
        }
        up_blocks = nn.ModuleList(upBlocks.ToArray());
        _numUpsamplers = blockCount - 1;

        conv_norm_out = new Float32GroupNorm(config.NormNumGroups, channels[0], config.NormEps, placement);
        conv_act = Activations.Create(config.ActFn);
        conv_out = nn.Conv2d(channels[0], config.OutChannels, config.ConvOutKernel, stride: 1, padding: (config.ConvOutKernel - 1) / 2,
            device: device, dtype: dtype);
        RegisterComponents();
    }

    /// <param name="sample">Noisy latents [B, in_channels, h, w], on the model's device and dtype.</param>
    /// <param name="timestep">A 0-d tensor (one timestep for the batch) or [B]; float (fractional allowed) or integer.</param>
    /// <param name="encoderHiddenStates">Text embeddings [B, tokens, cross_attention_dim].</param>
    /// <returns>The predicted noise, shaped like <paramref name="sample"/>.</returns>
    public override Tensor forward(Tensor sample, Tensor timestep, Tensor encoderHiddenStates)
    {
        using var noGrad = no_grad();
        return ForwardRecordingGradients(sample, timestep, encoderHiddenStates);
    }

    /// <summary><see cref="forward"/> with autograd recording, for training.</summary>
    public Tensor ForwardRecordingGradients(Tensor sample, Tensor timestep, Tensor encoderHiddenStates)
    {
        UNetConfigValidation.CheckInputs(Config, Placement, sample, timestep, encoderHiddenStates);
        using var scope = NewDisposeScope();

        // Latent sizes that are not a multiple of 2^upsamplers make each upsampler interpolate to its skip's size.
        var upFactor = 1L << _numUpsamplers;
        var forwardUpsampleSize = sample.shape[2] % upFactor != 0 || sample.shape[3] % upFactor != 0;

        var timesteps = (timestep.dim() == 0 ? timestep.unsqueeze(0) : timestep).to(sample.device).expand(sample.shape[0]);
        var activationDType = MixedPrecision.ActivationDType(Placement);
        var emb = time_embedding.forward(time_proj.forward(timesteps).to_type(activationDType));

        encoderHiddenStates = encoderHiddenStates.to(activationDType);
        var hidden = conv_in.RunInInputDType(sample.to(activationDType));
        var skips = new List<Tensor> { hidden };
        foreach (var block in down_blocks)
        {
            HostMemory.ReleaseFreed(); // what the last block freed, not kept under this one
            (hidden, var blockSkips) = block.forward(hidden, emb, encoderHiddenStates);
            skips.AddRange(blockSkips);
        }

        hidden = mid_block.forward(hidden, emb, encoderHiddenStates);

        for (var i = 0; i < up_blocks.Count; i++)
        {
            var block = up_blocks[i];
            var blockSkips = skips.GetRange(skips.Count - block.SkipCount, block.SkipCount);
            skips.RemoveRange(skips.Count - block.SkipCount, block.SkipCount);
            var isFinal = i == up_blocks.Count - 1;
            var upsampleSize = !isFinal && forwardUpsampleSize ? skips[^1].shape[2..] : null;
            HostMemory.ReleaseFreed(); // what the last block freed, not kept under this one
            // The block's input (the mid block's or the last up block's output) and its skips are read by no one else.
            var previous = hidden;
            hidden = block.forward(hidden, blockSkips, emb, encoderHiddenStates, upsampleSize);
            previous.Dispose();
            foreach (var skip in blockSkips) skip.Dispose();
        }

        var output = NormActConv.Apply(conv_norm_out, conv_act, conv_out, hidden);
        return output.to(Placement.DType).MoveToOuterDisposeScope();
    }
}
