using System.Globalization;
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

        var model = ModelInspection.Read(positional[0], args.Get("vae"));
        var format = model.Format == ModelFormat.DiffusersFolder ? "diffusers folder" : "single-file checkpoint";
        await output.WriteLineAsync($"{model.Name}  ({format}: {model.Path})");
        ct.ThrowIfCancellationRequested();
        await output.WriteLineAsync($"hash          {model.Hash}  (AutoV2: sha256 of {model.HashedFile})");
        foreach (var c in model.Components)
            await output.WriteLineAsync(
                $"{c.Label,-13} {c.ClassName}, {c.Parameters.ToString("N0", CultureInfo.InvariantCulture)} parameters, {string.Join("/", c.DTypes)}  ({c.WeightsDescription})\n" +
                $"{"",-13} {c.Details}");
        await output.WriteLineAsync($"tokenizer     {model.Tokenizer}");
        await output.WriteLineAsync($"scheduler     {model.SchedulerClass}  ({model.SchedulerDescription})");

        if (model.FitProblem is { } problem) throw problem;
        await output.WriteLineAsync("ok: the weights fit the model classes.");
        return 0;
    }
}
