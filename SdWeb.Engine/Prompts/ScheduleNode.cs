namespace SdWeb.Engine.Prompts;

/// <summary>A node of A1111's prompt-editing grammar: literal text, <c>[from:to:when]</c> or <c>[a|b|…]</c>.</summary>
internal abstract record ScheduleNode;

/// <summary>Text kept as written (plain text, escapes, emphasis brackets, stray brackets).</summary>
internal sealed record LiteralNode(string Text) : ScheduleNode;

/// <summary><c>[before:after:when]</c>; <paramref name="Before"/> is null for <c>[after:when]</c>.</summary>
internal sealed record EditNode(IReadOnlyList<ScheduleNode>? Before, IReadOnlyList<ScheduleNode> After, string When) : ScheduleNode;

/// <summary><c>[a|b|…]</c>: option (step − 1) mod count at each step.</summary>
internal sealed record AlternationNode(IReadOnlyList<IReadOnlyList<ScheduleNode>> Options) : ScheduleNode;
