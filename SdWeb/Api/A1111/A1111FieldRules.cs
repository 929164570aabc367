namespace SdWeb.Api.A1111;

/// <summary>
/// The one place that decides what happens to the AUTOMATIC1111 request fields SdWeb does not honour: each rule either
/// refuses the request (422 naming the field, when running without it would make something else) or accepts it with a
/// warning in <c>info.warnings</c>. docs/a1111-api.md lists the same rules; a feature that starts honouring a field
/// removes its rule here and reads the field in <see cref="A1111Translation"/> (as inpainting, hires fix and variation
/// seeds do in <see cref="A1111InpaintHires"/>).
/// Fields without a property in <see cref="A1111Payload"/> are warned about by name.
/// </summary>
public static class A1111FieldRules
{
    /// <param name="Refuses">True: 422; false: a warning "<c>field: message</c>".</param>
    public sealed record Rule(string Field, Func<A1111Payload, bool> Applies, Func<A1111Payload, string> Message, bool Refuses);

    public static readonly IReadOnlyList<Rule> All =
    [
        Refuse("script_name", p => !string.IsNullOrEmpty(p.ScriptName),
            p => $"SdWeb has no scripts, so '{p.ScriptName}' cannot run; leave script_name out."),
        Warn("init_images", p => p.InitImages is { Count: > 1 }, _ => "only the first image is used."),
        Warn("resize_mode", p => p.InitImages is not null && p.ResizeMode != 0, _ => "ignored; the source is resized to width × height."),
        Warn("restore_faces", p => p.RestoreFaces, _ => "ignored; SdWeb has no face restoration."),
        Warn("alwayson_scripts", p => p.AlwaysonScripts is { Count: > 0 },
            p => $"ignored ({string.Join(", ", p.AlwaysonScripts!.Keys)}); SdWeb has no scripts."),
    ];

    /// <summary>Adds the refusals (by field) and warnings the payload's fields call for.</summary>
    public static void Apply(A1111Payload payload, Dictionary<string, string[]> errors, List<string> warnings)
    {
        foreach (var rule in All.Where(r => r.Applies(payload)))
        {
            if (rule.Refuses) errors[rule.Field] = [rule.Message(payload)];
            else warnings.Add($"{rule.Field}: {rule.Message(payload)}");
        }
        foreach (var key in (payload.Other ?? []).Keys.Order(StringComparer.Ordinal))
            warnings.Add($"{key}: ignored.");
    }

    private static Rule Refuse(string field, Func<A1111Payload, bool> applies, Func<A1111Payload, string> message) => new(field, applies, message, true);

    private static Rule Warn(string field, Func<A1111Payload, bool> applies, Func<A1111Payload, string> message) => new(field, applies, message, false);
}
