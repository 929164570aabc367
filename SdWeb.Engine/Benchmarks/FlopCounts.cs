using SdWeb.Engine.Models;

namespace SdWeb.Engine.Benchmarks;

/// <summary>
/// Floating-point work of one model call, counted from the config: 2 FLOPs per multiply-add of every convolution,
/// linear layer and attention product (QKᵀ and ·V). Norms, activations and element-wise ops are left out (under 1%).
/// SD 1.5 at 512² gives 1.61 TFLOP per UNet call at batch 2 and 2.51 TFLOP per decoded image.
/// </summary>
internal static class FlopCounts
{
    /// <summary>One UNet call on latents [batch, C, height, width] with <paramref name="textTokens"/> encoder states.</summary>
    public static double UNet(UNet2DConditionConfig config, int batch, int height, int width, int textTokens = 77)
    {
        var channels = config.BlockOutChannels;
        int timeDim = channels[0] * 4;
        var f = new Counter(timeDim, config.CrossAttentionDim, textTokens, config.TransformerLayersPerBlock);
        f.Linear(channels[0], timeDim, 1);
        f.Linear(timeDim, timeDim, 1);
        f.Conv(config.InChannels, channels[0], config.ConvInKernel, height, width);

        var (h, w, current) = (height, width, channels[0]);
        var skips = new Stack<(int Channels, int H, int W)>();
        skips.Push((current, h, w));
        for (int i = 0; i < channels.Count; i++)
        {
            bool attention = config.DownBlockTypes[i] == "CrossAttnDownBlock2D";
            for (int j = 0; j < config.LayersPerBlock; j++)
            {
                f.Resnet(current, channels[i], h, w);
                current = channels[i];
                if (attention) f.Transformer(current, h, w);
                skips.Push((current, h, w));
            }
            if (i < channels.Count - 1)
            {
                (h, w) = ((h + 1) / 2, (w + 1) / 2);
                f.Conv(current, current, 3, h, w);
                skips.Push((current, h, w));
            }
        }

        f.Resnet(current, current, h, w);
        f.Transformer(current, h, w);
        f.Resnet(current, current, h, w);

        var reversed = channels.Reverse().ToList();
        for (int i = 0; i < reversed.Count; i++)
        {
            bool attention = config.UpBlockTypes[i] == "CrossAttnUpBlock2D";
            for (int j = 0; j <= config.LayersPerBlock; j++)
            {
                var skip = skips.Pop();
                f.Resnet(current + skip.Channels, reversed[i], h, w);
                current = reversed[i];
                if (attention) f.Transformer(current, h, w);
            }
            if (i < reversed.Count - 1)
            {
                (h, w) = (skips.Peek().H, skips.Peek().W);
                f.Conv(current, current, 3, h, w);
            }
        }
        f.Conv(channels[0], config.OutChannels, config.ConvOutKernel, height, width);
        return batch * f.Total;
    }

    /// <summary>Decoding latents [batch, latent_channels, height, width] (post_quant_conv and decoder).</summary>
    public static double VaeDecode(AutoencoderKLConfig config, int batch, int height, int width)
    {
        var f = new Counter();
        var reversed = config.BlockOutChannels.Reverse().ToList();
        f.Conv(config.LatentChannels, config.LatentChannels, 1, height, width);
        f.Conv(config.LatentChannels, reversed[0], 3, height, width);
        f.VaeMidBlock(reversed[0], height, width);
        var (h, w, current) = (height, width, reversed[0]);
        for (int i = 0; i < reversed.Count; i++)
        {
            for (int j = 0; j <= config.LayersPerBlock; j++)
            {
                f.Resnet(current, reversed[i], h, w);
                current = reversed[i];
            }
            if (i < reversed.Count - 1)
            {
                (h, w) = (h * 2, w * 2);
                f.Conv(current, current, 3, h, w);
            }
        }
        f.Conv(current, config.OutChannels, 3, h, w);
        return batch * f.Total;
    }

    /// <summary>Encoding images [batch, in_channels, height, width] to the latent moments (encoder and quant_conv).</summary>
    public static double VaeEncode(AutoencoderKLConfig config, int batch, int height, int width)
    {
        var f = new Counter();
        var channels = config.BlockOutChannels;
        f.Conv(config.InChannels, channels[0], 3, height, width);
        var (h, w, current) = (height, width, channels[0]);
        for (int i = 0; i < channels.Count; i++)
        {
            for (int j = 0; j < config.LayersPerBlock; j++)
            {
                f.Resnet(current, channels[i], h, w);
                current = channels[i];
            }
            if (i < channels.Count - 1)
            {
                (h, w) = (h / 2, w / 2);
                f.Conv(current, current, 3, h, w);
            }
        }
        f.VaeMidBlock(current, h, w);
        f.Conv(current, 2 * config.LatentChannels, 3, h, w);
        f.Conv(2 * config.LatentChannels, 2 * config.LatentChannels, 1, h, w);
        return batch * f.Total;
    }

    /// <summary>The CLIP text encoder on [batch, tokens] ids.</summary>
    public static double TextEncoder(ClipTextConfig config, int batch, int tokens = 77)
    {
        var f = new Counter();
        int d = config.HiddenSize;
        for (int layer = 0; layer < config.NumHiddenLayers; layer++)
        {
            f.Linear(d, d, 4 * tokens);
            f.Attention(tokens, tokens, d);
            f.Linear(d, config.IntermediateSize, tokens);
            f.Linear(config.IntermediateSize, d, tokens);
        }
        return batch * f.Total;
    }

    /// <summary>Adds up one sample's work; <c>timeDim</c> 0 means resnets without a time embedding (the VAE).</summary>
    private sealed class Counter(int timeDim = 0, int contextDim = 0, int contextTokens = 0, int transformerLayers = 1)
    {
        public double Total { get; private set; }

        public void Conv(int inChannels, int outChannels, int kernel, int h, int w) =>
            Total += 2.0 * inChannels * outChannels * kernel * kernel * h * w;

        public void Linear(int inFeatures, int outFeatures, int rows) => Total += 2.0 * inFeatures * outFeatures * rows;

        /// <summary>QKᵀ and the weighted sum of V for <paramref name="queries"/> × <paramref name="keys"/> at width <paramref name="dim"/>.</summary>
        public void Attention(int queries, int keys, int dim) => Total += 2.0 * 2 * queries * keys * dim;

        public void Resnet(int inChannels, int outChannels, int h, int w)
        {
            Conv(inChannels, outChannels, 3, h, w);
            Conv(outChannels, outChannels, 3, h, w);
            if (inChannels != outChannels) Conv(inChannels, outChannels, 1, h, w);
            if (timeDim > 0) Linear(timeDim, outChannels, 1);
        }

        /// <summary>Transformer2DModel: projections in and out, then per layer self-attention, cross-attention, GEGLU.</summary>
        public void Transformer(int channels, int h, int w)
        {
            int tokens = h * w;
            Linear(channels, channels, 2 * tokens);
            for (int layer = 0; layer < transformerLayers; layer++)
            {
                Linear(channels, channels, 4 * tokens);
                Attention(tokens, tokens, channels);
                Linear(channels, channels, 2 * tokens);
                Linear(contextDim, channels, 2 * contextTokens);
                Attention(tokens, contextTokens, channels);
                Linear(channels, 8 * channels, tokens);
                Linear(4 * channels, channels, tokens);
            }
        }

        /// <summary>The VAE's mid-block: resnet, single-head self-attention over the pixels, resnet.</summary>
        public void VaeMidBlock(int channels, int h, int w)
        {
            Resnet(channels, channels, h, w);
            Linear(channels, channels, 4 * h * w);
            Attention(h * w, h * w, channels);
            Resnet(channels, channels, h, w);
        }
    }
}
