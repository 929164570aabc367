namespace SdWeb.Engine.Training.Scenes;

/// <summary>The shapes a scene draws; their names are caption words.</summary>
internal enum SceneShape
{
    Circle,
    Square,
    Triangle,
    Star,
    Ring,
}
