namespace SdWeb.Engine.Training.Scenes;

/// <summary>The eight colours of the scenes, for objects and backgrounds alike; their names are caption words.</summary>
internal enum SceneColour
{
    Red,
    Orange,
    Yellow,
    Green,
    Blue,
    Purple,
    White,
    Black,
}
