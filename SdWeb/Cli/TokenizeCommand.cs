using System.Text.Json;
using SdWeb.Engine.Prompts;

namespace SdWeb.Cli;

/// <summary>`tokenize --model PATH --prompt TEXT`: prints the text encoder's input ids as one JSON array.</summary>
public sealed class TokenizeCommand(TextWriter output, TextWriter error) : ICliCommand
{
    private static readonly string[] Options = ["model", "prompt"];

    public TokenizeCommand() : this(Console.Out, Console.Error) { }

    public string Verb => "tokenize";
    public string Usage => "tokenize --model PATH --prompt TEXT   (PATH: a diffusers model folder or a .safetensors checkpoint)";

    public async Task<int> RunAsync(CliArgs args, CancellationToken cancellationToken)
    {
        var unknown = args.Names.Except(Options).Concat(args.Positional).ToList();
        if (unknown.Count > 0) throw new CliUsageException($"unexpected argument(s): {string.Join(" ", unknown)}.");
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
