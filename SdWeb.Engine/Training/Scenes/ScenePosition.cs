namespace SdWeb.Engine.Training.Scenes;

/// <summary>Where an object stands in the 64×64 picture.</summary>
internal enum ScenePosition
{
    Left,
    Right,
    Top,
    Bottom,
    Centre,
}
