using SdWeb.Engine.Loading.RandomModels;

namespace SdWeb.Cli;

/// <summary>`models create-random --preset tiny|sd15 --out DIR [--seed N]`: a diffusers-format model with seeded random weights.</summary>
internal static class ModelsCreateRandom
{
    public static CliSyntax Syntax { get; } =
        new("models create-random", "Write a diffusers-format Stable Diffusion v1 model with seeded random weights (for tests and demos).")
        {
            Options =
            [
                new("preset", "tiny|sd15", "tiny: a few MB, for tests; sd15: the real architecture's size") { Required = true },
                new("out", "DIR", "folder to write the model to") { Required = true },
                new("seed", "N", "seed of the random weights (default 0)"),
            ],
        };

    public static async Task<int> RunAsync(CliArgs args, TextWriter output, CancellationToken ct)
    {
        RandomModelPreset preset;
        try { preset = RandomModelPreset.Named(args.Require("preset")); }
        catch (ArgumentException e) { throw new CliUsageException(e.Message); }
        var outDir = args.Require("out");
        long seed = args.GetLong("seed") ?? 0;
        if (seed < 0) throw new CliUsageException($"--seed must not be negative, not {seed}.");

        await Task.Run(() => RandomModelWriter.Write(outDir, preset, seed, component =>
        {
            ct.ThrowIfCancellationRequested();
            output.WriteLine($"writing {component}…");
        }), ct);
        await output.WriteLineAsync($"wrote a random {preset.Name} model (seed {seed}) to {outDir}");
        return 0;
    }
}
