using System.Globalization;
using SdWeb.Engine.Devices;

namespace SdWeb.Engine.Loading;

/// <summary>
/// What a model is, read from its configs and weight headers without loading the weights: format, hash, components,
/// tokenizer, scheduler, and whether the weights fit the model classes.
/// </summary>
/// <param name="HashedFile">The file <paramref name="Hash"/> (AutoV2) covers.</param>
/// <param name="FitProblem">Why the weights do not fit the model classes; null when they do.</param>
public sealed record ModelInspection(
    string Name,
    ModelFormat Format,
    string Path,
    string Hash,
    string HashedFile,
    IReadOnlyList<ComponentInspection> Components,
    string Tokenizer,
    string SchedulerClass,
    string SchedulerDescription,
    ModelLoadException? FitProblem)
{
    /// <exception cref="ModelLoadException">The model cannot be opened; the message says why.</exception>
    public static ModelInspection Read(string modelPath, string? vaePath = null)
    {
        using var source = ModelSource.Open(modelPath, ModelPlacement.CpuFloat32, vaePath);
        var u = source.UNet.Config;
        var c = source.TextEncoder.Config;
        var v = source.Vae.Config;
        ComponentInspection[] components =
        [
            Component("unet", "UNet2DConditionModel", source.UNet.Weights,
                $"block_out_channels {Join(u.BlockOutChannels)}; layers_per_block {u.LayersPerBlock}; cross_attention_dim {u.CrossAttentionDim}; " +
                $"attention heads {Join(u.NumAttentionHeads ?? u.AttentionHeadDim)}; sample_size {u.SampleSize}"),
            Component("text_encoder", "CLIPTextModel", source.TextEncoder.Weights,
                $"hidden_size {c.HiddenSize}; {c.NumHiddenLayers} layers; {c.NumAttentionHeads} heads; vocab_size {c.VocabSize}"),
            Component(source.VaeOverridePath is null ? "vae" : "vae (override)", "AutoencoderKL", source.Vae.Weights,
                $"block_out_channels {Join(v.BlockOutChannels)}; latent_channels {v.LatentChannels}; scaling_factor {v.ScalingFactor.ToString(CultureInfo.InvariantCulture)}"),
        ];
        return new ModelInspection(source.Name, source.Format, source.Path, source.Hash, source.HashedFile, components,
            source.Tokenizer.Description, source.Scheduler.ClassName, source.Scheduler.Description, FitProblemOf(source));
    }

    /// <summary>
    /// The width of a model's text encoder (768 for SD 1.x), from its config alone: LoRAs and embeddings fit the models
    /// of their width.
    /// </summary>
    /// <exception cref="ModelLoadException">The model cannot be opened.</exception>
    public static int TextEncoderWidth(string modelPath)
    {
        using var source = ModelSource.Open(modelPath, ModelPlacement.CpuFloat32);
        return source.TextEncoder.Config.HiddenSize;
    }

    private static ModelLoadException? FitProblemOf(ModelSource source)
    {
        try
        {
            WeightFit.Check(source);
            return null;
        }
        catch (ModelLoadException e)
        {
            return e;
        }
    }

    private static ComponentInspection Component(string label, string className, IWeightSource weights, string details)
    {
        long parameters = weights.Names.Sum(n => weights.ShapeOf(n).Aggregate(1L, (a, b) => a * b));
        var dtypes = weights.Names.Select(weights.DTypeOf).Distinct().Select(ModelPlacement.DTypeName).Order().ToList();
        return new ComponentInspection(label, className, parameters, dtypes, weights.Description, details);
    }

    private static string Join(IEnumerable<int> values) => string.Join(",", values);
}

/// <summary>One model component as <see cref="ModelInspection"/> describes it.</summary>
/// <param name="Label">unet, text_encoder, vae or "vae (override)".</param>
/// <param name="ClassName">The diffusers/transformers class the weights are for.</param>
/// <param name="DTypes">The weights' dtypes (fp32, fp16, bf16), sorted.</param>
/// <param name="Details">The config's shape-defining fields, one line.</param>
public sealed record ComponentInspection(string Label, string ClassName, long Parameters, IReadOnlyList<string> DTypes,
    string WeightsDescription, string Details);
