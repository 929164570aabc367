namespace SdWeb.Engine.Training.Scenes;

/// <summary>
/// The captions' grammar. One object: "a large blue square at the right on a yellow striped background". Two:
/// "a red circle left of a blue star on a white background" ("above" when stacked). <see cref="Words"/> lists every
/// word it can produce, which is the demo tokenizer's vocabulary.
/// </summary>
internal static class SceneCaptions
{
    private static readonly string[] GrammarWords =
        ["a", "small", "large", "at", "in", "the", "left", "right", "top", "bottom", "centre", "of", "above", "on", "striped", "dotted", "background"];

    public static IReadOnlyList<string> Words { get; } =
        [.. GrammarWords, .. ScenePalette.Colours.Select(ScenePalette.Word), .. Enum.GetValues<SceneShape>().Select(ShapeWord)];

    public static string Describe(Scene scene)
    {
        var background = $"on a {ScenePalette.Word(scene.Background)}{TextureWord(scene.Texture)} background";
        return scene.Objects switch
        {
            [var only] => $"a {(only.Large ? "large" : "small")} {Noun(only)} {PositionPhrase(only.Position)} {background}",
            [var first, var second] => $"a {Noun(first)} {(first.Position == ScenePosition.Left ? "left of" : "above")} a {Noun(second)} {background}",
            _ => throw new ArgumentException($"A scene holds one or two objects, not {scene.Objects.Count}.", nameof(scene)),
        };
    }

    public static string ShapeWord(SceneShape shape) => shape.ToString().ToLowerInvariant();

    private static string Noun(SceneObject o) => $"{ScenePalette.Word(o.Colour)} {ShapeWord(o.Shape)}";

    private static string PositionPhrase(ScenePosition position) =>
        position == ScenePosition.Centre ? "in the centre" : $"at the {position.ToString().ToLowerInvariant()}";

    private static string TextureWord(BackgroundTexture texture) => texture switch
    {
        BackgroundTexture.Striped => " striped",
        BackgroundTexture.Dotted => " dotted",
        _ => "",
    };
}
