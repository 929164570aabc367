namespace SdWeb.Engine.Training.Scenes;

/// <summary>
/// One drawn object. The caption names its shape, colour, size and position; the small offset and turn make each
/// drawing of the same caption a little different (the caption does not name them).
/// </summary>
internal sealed record SceneObject(SceneShape Shape, SceneColour Colour, bool Large, ScenePosition Position,
    double OffsetX = 0, double OffsetY = 0, double Turn = 0)
{
    public double Radius => Large ? SceneLayout.LargeRadius : SceneLayout.SmallRadius;
}
