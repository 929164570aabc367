using SdWeb.Engine.Loading.RandomModels;

namespace SdWeb.Cli;

/// <summary>`models create-random --preset tiny|sd15 --out DIR [--seed N]`: a diffusers-format model with seeded random weights.</summary>
internal static class ModelsCreateRandom
{
    public static async Task<int> RunAsync(CliArgs args, List<string> positional, TextWriter output, CancellationToken ct)
    {
        ModelsCommand.RejectUnknown(args, positional, "preset", "out", "seed");
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
