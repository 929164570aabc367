namespace SdWeb.Generation.Plots;

/// <summary>The axis kinds as AUTOMATIC1111's X/Y/Z plot names them, for the form, the errors and the API.</summary>
public static class XyzAxisKinds
{
    public static string Name(XyzAxisKind kind) => kind switch
    {
        XyzAxisKind.CfgScale => "CFG Scale",
        XyzAxisKind.LoraWeight => "LoRA weight",
        XyzAxisKind.PromptSR => "Prompt S/R",
        _ => kind.ToString(),
    };

    /// <summary>"CFG Scale" → CfgScale (also the enum's own names, any case); null when unknown.</summary>
    public static XyzAxisKind? FromName(string name)
    {
        var trimmed = name.Trim();
        foreach (var kind in Enum.GetValues<XyzAxisKind>())
            if (string.Equals(Name(kind), trimmed, StringComparison.OrdinalIgnoreCase) || string.Equals(kind.ToString(), trimmed, StringComparison.OrdinalIgnoreCase))
                return kind;
        return null;
    }
}
