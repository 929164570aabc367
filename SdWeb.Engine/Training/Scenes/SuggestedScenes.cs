namespace SdWeb.Engine.Training.Scenes;

/// <summary>
/// The scenes whose captions the app suggests for the demo model: one large object on a plain background, a different
/// shape, colour and position each, all combinations training draws (none held out), so a newcomer's first prompt is
/// one the model knows.
/// </summary>
internal static class SuggestedScenes
{
    public static IReadOnlyList<Scene> All { get; } =
    [
        One(SceneShape.Circle, SceneColour.Red, ScenePosition.Centre, SceneColour.White),
        One(SceneShape.Square, SceneColour.Blue, ScenePosition.Left, SceneColour.Yellow),
        One(SceneShape.Triangle, SceneColour.Yellow, ScenePosition.Right, SceneColour.Blue),
        One(SceneShape.Star, SceneColour.Green, ScenePosition.Top, SceneColour.Black),
    ];

    private static Scene One(SceneShape shape, SceneColour colour, ScenePosition position, SceneColour background)
    {
        var scene = new Scene(background, BackgroundTexture.Plain, [new SceneObject(shape, colour, Large: true, position)]);
        return HeldOutCombinations.IsHeldOut(scene.Objects[0])
            ? throw new InvalidOperationException($"'{scene.Caption}' is held out from training; suggest another scene.")
            : scene;
    }
}
