namespace SdWeb.Engine.Training.Scenes;

/// <summary>
/// A picture's content: a background and one object, or two small objects side by side (the first left of or above
/// the second). <see cref="Caption"/> describes it in the scenes' grammar.
/// </summary>
internal sealed record Scene(SceneColour Background, BackgroundTexture Texture, IReadOnlyList<SceneObject> Objects)
{
    public string Caption => SceneCaptions.Describe(this);
}
