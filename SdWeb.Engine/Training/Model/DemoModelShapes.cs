using SdWeb.Engine.Models;

namespace SdWeb.Engine.Training.Model;

/// <summary>
/// The demo model's configs: SD v1's topology (four VAE blocks, the cross-attention UNet, a CLIP text encoder) at a
/// width that trains on two CPU cores, for 64×64 pictures (8×8 latents).
/// </summary>
internal static class DemoModelShapes
{
    public const int TextWidth = 32;

    /// <param name="scalingFactor">1 / the std of the trained VAE's latents (1 before it is measured).</param>
    public static AutoencoderKLConfig Vae(double scalingFactor) => new()
    {
        BlockOutChannels = [32, 64, 64, 64],
        LayersPerBlock = 1,
        NormNumGroups = 16,
        SampleSize = 64,
        ScalingFactor = scalingFactor,
    };

    public static UNet2DConditionConfig UNet { get; } = new()
    {
        BlockOutChannels = [64, 128, 128, 128],
        LayersPerBlock = 1,
        NormNumGroups = 16,
        CrossAttentionDim = TextWidth,
        AttentionHeadDim = [4],
        SampleSize = 8,
    };

    public static ClipTextConfig TextEncoder(WordVocabulary vocabulary) => new()
    {
        VocabSize = vocabulary.Count,
        HiddenSize = TextWidth,
        IntermediateSize = 2 * TextWidth,
        NumHiddenLayers = 2,
        NumAttentionHeads = 4,
        BosTokenId = vocabulary.BosId,
        EosTokenId = vocabulary.EosId,
        PadTokenId = vocabulary.EosId,
    };
}
