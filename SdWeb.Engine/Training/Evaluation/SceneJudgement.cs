using SdWeb.Engine.Training.Scenes;

namespace SdWeb.Engine.Training.Evaluation;

/// <summary>
/// What <see cref="SceneChecker"/> read in a picture, and whether each part matches the caption: the background
/// colour, the object's colour at the named position, the shape (<paramref name="AskedShape"/> is the caption's). The
/// read values are null where no object was found.
/// </summary>
internal sealed record SceneJudgement(
    SceneShape AskedShape, SceneColour Background, SceneColour? ObjectColour, ScenePosition? Position, SceneShape? Shape,
    bool BackgroundRight, bool ObjectRight, bool ShapeRight);
