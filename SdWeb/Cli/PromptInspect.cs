using System.Text.Encodings.Web;
using System.Text.Json;
using SdWeb.Engine.Prompts;

namespace SdWeb.Cli;

/// <summary>
/// `prompt inspect --model M --prompt TEXT --steps N [--hires-steps H] [--embeddings-dir D]`: what AUTOMATIC1111's
/// prompt code makes of a prompt, as one JSON object (the shape of an entry of the golden prompt_syntax.json).
/// </summary>
internal static class PromptInspect
{
    public static CliSyntax Syntax { get; } =
        new("prompt inspect", "Print, as one JSON object, what the A1111 syntax makes of a prompt: emphasis, schedules, extra networks, AND parts, token chunks.")
        {
            Options =
            [
                new("model", "PATH", "the model whose tokenizer and text encoder width to use") { Required = true },
                new("prompt", "TEXT", "the prompt") { Required = true },
                new("steps", "N", "sampling steps the schedules are for") { Required = true },
                new("hires-steps", "H", "also the schedule of a hires fix second pass with H steps"),
                NetworkArgs.EmbeddingsDir,
            ],
        };

    /// <summary>One line (pipe it to jq for reading).</summary>
    private static readonly JsonSerializerOptions Options = new()
    {
        // Prompts are shown as typed (東京, é), not as \u escapes; the output goes to a terminal, not into HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static async Task<int> RunAsync(CliArgs args, TextWriter output, CancellationToken cancellationToken)
    {
        var modelPath = args.Require("model");
        var prompt = args.Require("prompt");
        var steps = args.GetInt("steps") ?? throw new CliUsageException("--steps is required.");
        var hiresSteps = args.GetInt("hires-steps");
        if (steps < 1) throw new CliUsageException($"--steps must be 1 or more, not {steps}.");
        if (hiresSteps < 1) throw new CliUsageException($"--hires-steps must be 1 or more, not {hiresSteps}.");

        var embeddings = NetworkArgs.Library(args, modelPath).EmbeddingsUsedBy([prompt]);
        var inspected = PromptAnalyzer.ForModel(modelPath).Inspect(prompt, steps, hiresSteps, embeddings);
        cancellationToken.ThrowIfCancellationRequested();
        await output.WriteLineAsync(inspected.ToJsonString(Options));
        return 0;
    }
}
