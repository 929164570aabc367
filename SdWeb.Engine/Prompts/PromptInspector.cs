using System.Text.Json.Nodes;

namespace SdWeb.Engine.Prompts;

/// <summary>
/// What A1111's prompt code makes of a prompt, as one JSON object shaped like an entry of the golden
/// prompt_syntax.json: parse_prompt_attention, schedules, extra_networks, multicond and a1111_conditioning
/// (per sub-prompt its schedule and, per distinct text, the token chunks).
/// </summary>
internal static class PromptInspector
{
    public static JsonObject Inspect(string prompt, int steps, int? hiresSteps, PromptChunker chunker)
    {
        var schedules = new JsonObject { [$"steps_{steps}"] = Schedule(PromptSchedule.Of(prompt, steps)) };
        if (hiresSteps is { } hires)
            schedules[$"steps_{steps}_hires_{hires}"] = Schedule(PromptSchedule.Of(prompt, steps, hires));

        var parsed = A1111Prompt.Parse(prompt, steps);
        var networks = new JsonObject();
        foreach (var (name, calls) in parsed.ExtraNetworks)
            networks[name] = new JsonArray(calls.Select(args => (JsonNode)new JsonArray(args.Select(a => (JsonNode)JsonValue.Create(a)!).ToArray())).ToArray());

        return new JsonObject
        {
            ["prompt"] = prompt,
            ["parse_prompt_attention"] = new JsonArray(PromptAttention.Parse(prompt).Select(r => (JsonNode)new JsonArray(r.Text, r.Weight)).ToArray()),
            ["schedules"] = schedules,
            ["extra_networks"] = new JsonObject { ["prompt_after"] = parsed.PromptAfterTags, ["networks"] = networks },
            ["multicond"] = new JsonObject
            {
                ["subprompts"] = new JsonArray(parsed.Subprompts.Select(s => (JsonNode)JsonValue.Create(s)!).ToArray()),
                ["indexes_weights"] = new JsonArray(parsed.Parts.Select(p => (JsonNode)new JsonArray(p.Index, p.Weight)).ToArray()),
            },
            ["a1111_conditioning"] = new JsonArray(parsed.Subprompts.Select((text, i) =>
                (JsonNode)Conditioning(text, parsed.SubpromptSchedules[i], steps, chunker)).ToArray()),
        };
    }

    private static JsonArray Schedule(IReadOnlyList<ScheduledText> schedule) =>
        new(schedule.Select(e => (JsonNode)new JsonArray(e.EndAtStep, e.Text)).ToArray());

    private static JsonObject Conditioning(string subprompt, IReadOnlyList<ScheduledText> schedule, int steps, PromptChunker chunker)
    {
        var distinct = schedule.Select(e => e.Text).Distinct().ToList();
        return new JsonObject
        {
            ["text"] = subprompt,
            [$"schedule_{steps}"] = new JsonArray(schedule.Select(e => (JsonNode)new JsonArray(e.EndAtStep, distinct.IndexOf(e.Text))).ToArray()),
            ["batch_size_encoded"] = schedule.Count,
            ["texts"] = new JsonArray(distinct.Select(text => (JsonNode)Text(text, chunker.Tokenize(text))).ToArray()),
        };
    }

    private static JsonObject Text(string text, TokenizedPrompt tokenized) => new()
    {
        ["text"] = text,
        ["token_count"] = tokenized.TokenCount,
        ["target_token_count"] = tokenized.TargetTokenCount,
        ["chunks"] = new JsonArray(tokenized.Chunks.Select(c => (JsonNode)new JsonObject
        {
            ["tokens"] = new JsonArray(c.Tokens.Select(t => (JsonNode)JsonValue.Create(t)).ToArray()),
            ["multipliers"] = new JsonArray(c.Multipliers.Select(m => (JsonNode)JsonValue.Create(m)).ToArray()),
            ["fixes"] = new JsonArray(c.Fixes.Select(f => (JsonNode)new JsonArray(f.Offset, f.Embedding.Name)).ToArray()),
        }).ToArray()),
    };
}
