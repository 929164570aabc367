using SdWeb.Engine.Models;

namespace SdWeb.Engine.Loading.RandomModels;

/// <summary>The model shapes <see cref="RandomModelWriter"/> can make; clients pick one by name, the shapes stay inside the engine.</summary>
public sealed class RandomModelPreset
{
    private RandomModelPreset(string name, UNet2DConditionConfig unet, AutoencoderKLConfig vae, ClipTextConfig textEncoder) =>
        (Name, UNet, Vae, TextEncoder) = (name, unet, vae, textEncoder);

    public string Name { get; }
    internal UNet2DConditionConfig UNet { get; }
    internal AutoencoderKLConfig Vae { get; }
    internal ClipTextConfig TextEncoder { get; }

    /// <summary>The golden tiny-sd's shapes (SD v1 topology, 32/64 channels, 32-wide CLIP): for the demo and tests.</summary>
    public static RandomModelPreset Tiny { get; } = new("tiny",
        new UNet2DConditionConfig { BlockOutChannels = [32, 64, 64, 64], CrossAttentionDim = 32, SampleSize = 8 },
        new AutoencoderKLConfig { BlockOutChannels = [32, 64, 64, 64], SampleSize = 64 },
        new ClipTextConfig { HiddenSize = 32, IntermediateSize = 64, NumHiddenLayers = 2, NumAttentionHeads = 4 });

    /// <summary>Stable Diffusion 1.5's full shapes (860M-parameter UNet): for benchmarks without downloading.</summary>
    public static RandomModelPreset Sd15 { get; } = new("sd15", new UNet2DConditionConfig(), new AutoencoderKLConfig(), new ClipTextConfig());

    public static IReadOnlyList<RandomModelPreset> All { get; } = [Tiny, Sd15];

    public static RandomModelPreset Named(string name) =>
        All.FirstOrDefault(p => p.Name == name)
        ?? throw new ArgumentException($"unknown preset '{name}'; choose one of: {string.Join(", ", All.Select(p => p.Name))}.");
}
