using System.Text.Json;
using SdWeb.Engine.Prompts;

namespace SdWeb.Cli;

/// <summary>`tokenize --model PATH --prompt TEXT`: prints the text encoder's input ids as one JSON array.</summary>
public sealed class TokenizeCommand(TextWriter output, TextWriter error) : ICliCommand
{
    public CliSyntax Syntax { get; } = new("tokenize", "Print the text encoder's input ids for a prompt as one JSON array.")
    {
        Options =
        [
            new("model", "PATH", "a diffusers model folder or a .safetensors checkpoint") { Required = true },
            new("prompt", "TEXT", "the prompt to tokenize") { Required = true },
        ],
    };

    public async Task<int> RunAsync(CliArgs args, CancellationToken cancellationToken)
    {
        var modelPath = args.Require("model");
        var prompt = args.Require("prompt");

        var tokens = PromptAnalyzer.ForModel(modelPath).Analyze(prompt);
        cancellationToken.ThrowIfCancellationRequested();

        await output.WriteLineAsync(JsonSerializer.Serialize(tokens.InputIds));
        if (tokens.IsTruncated)
            await error.WriteLineAsync(
                $"warning: the prompt has {tokens.TokenCount} tokens; the last {tokens.TruncatedCount} do not fit and were cut off.");
        return 0;
    }
}
