namespace SdWeb.Components.Generate;

/// <summary>Common SD v1 sizes offered as one-click presets.</summary>
public sealed record SizePreset(int Width, int Height)
{
    public static IReadOnlyList<SizePreset> All { get; } =
        [new(512, 512), new(512, 768), new(768, 512), new(640, 640), new(576, 832), new(832, 576), new(256, 256)];

    public string Label => $"{Width}×{Height}";
}
