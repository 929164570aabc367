using SdWeb.Engine.Training;

namespace SdWeb.Cli;

/// <summary>
/// `models pack-demo --from DIR/model --out SdWeb/DemoModel [--training FILE]`: packs a trained demo model as the
/// repository ships it (half-precision diffusers folder, single-file form, manifest).
/// </summary>
internal static class ModelsPackDemo
{
    public static CliSyntax Syntax { get; } =
        new("models pack-demo", "Pack a model trained by train-demo as the repository ships it (SdWeb/DemoModel/).")
        {
            Options =
            [
                new("from", "DIR", "the trained model: train-demo's OUT/model (fp32 diffusers folder)") { Required = true },
                new("out", "DIR", "an empty folder for the package, e.g. SdWeb/DemoModel") { Required = true },
                new("training", "FILE", "train-demo's training.json for the manifest (default: beside the model folder, if there)"),
            ],
        };

    public static Task<int> RunAsync(CliArgs args, TextWriter output, CancellationToken ct)
    {
        var from = args.Require("from");
        var outDir = args.Require("out");
        if (!Directory.Exists(from)) throw new CliUsageException($"--from {from}: no such model folder.");
        var training = args.Get("training") ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(from))!, "training.json");
        if (!File.Exists(training))
        {
            if (args.Get("training") is not null) throw new CliUsageException($"--training {training}: no such file.");
            output.WriteLine($"no {training}: the manifest will have no training figures");
        }
        return Task.Run(() =>
        {
            DemoModelTraining.Pack(from, File.Exists(training) ? training : null, outDir, output.WriteLine, ct);
            return CliApp.Ok;
        }, ct);
    }
}
