using System.Globalization;
using SdWeb.Engine.Devices;
using SdWeb.Engine.Loading;

namespace SdWeb.Cli;

/// <summary>`models inspect PATH [--vae PATH]`: format, components, parameter counts and dtypes; or why it cannot load.</summary>
internal static class ModelsInspect
{
    public static CliSyntax Syntax { get; } =
        new("models inspect", "Show a model's format, components, parameter counts and dtypes, or why it cannot load.")
        {
            Positionals = ["PATH"],
            Options = [new("vae", "PATH", "a VAE to use instead of the model's (folder or file)")],
        };

    public static async Task<int> RunAsync(CliArgs args, List<string> positional, TextWriter output, CancellationToken ct)
    {
        if (positional.Count == 0) throw new CliUsageException("models inspect needs the model's PATH.");

        using var source = ModelSource.Open(positional[0], ModelPlacement.CpuFloat32, args.Get("vae"));
        var format = source.Format == ModelFormat.DiffusersFolder ? "diffusers folder" : "single-file checkpoint";
        await output.WriteLineAsync($"{source.Name}  ({format}: {source.Path})");
        ct.ThrowIfCancellationRequested();
        await output.WriteLineAsync($"hash          {source.Hash}  (AutoV2: sha256 of {source.HashedFile})");

        var u = source.UNet.Config;
        await Component(output, "unet", "UNet2DConditionModel", source.UNet.Weights,
            $"block_out_channels {Join(u.BlockOutChannels)}; layers_per_block {u.LayersPerBlock}; cross_attention_dim {u.CrossAttentionDim}; " +
            $"attention heads {Join(u.NumAttentionHeads ?? u.AttentionHeadDim)}; sample_size {u.SampleSize}");
        var c = source.TextEncoder.Config;
        await Component(output, "text_encoder", "CLIPTextModel", source.TextEncoder.Weights,
            $"hidden_size {c.HiddenSize}; {c.NumHiddenLayers} layers; {c.NumAttentionHeads} heads; vocab_size {c.VocabSize}");
        var v = source.Vae.Config;
        await Component(output, source.VaeOverridePath is null ? "vae" : "vae (override)", "AutoencoderKL", source.Vae.Weights,
            $"block_out_channels {Join(v.BlockOutChannels)}; latent_channels {v.LatentChannels}; scaling_factor {v.ScalingFactor.ToString(CultureInfo.InvariantCulture)}");
        await output.WriteLineAsync($"tokenizer     {source.Tokenizer.Description}");
        await output.WriteLineAsync($"scheduler     {source.Scheduler.ClassName}  ({source.Scheduler.Description})");

        WeightFit.Check(source);
        await output.WriteLineAsync("ok: the weights fit the model classes.");
        return 0;
    }

    private static Task Component(TextWriter output, string label, string className, IWeightSource weights, string details)
    {
        long parameters = weights.Names.Sum(n => weights.ShapeOf(n).Aggregate(1L, (a, b) => a * b));
        var dtypes = string.Join("/", weights.Names.Select(weights.DTypeOf).Distinct().Select(ModelPlacement.DTypeName).Order());
        return output.WriteLineAsync(
            $"{label,-13} {className}, {parameters.ToString("N0", CultureInfo.InvariantCulture)} parameters, {dtypes}  ({weights.Description})\n" +
            $"{"",-13} {details}");
    }

    private static string Join(IEnumerable<int> values) => string.Join(",", values);
}
