namespace SdWeb.Engine.Training.Scenes;

/// <summary>A background's pattern, drawn in the background colour's tint.</summary>
internal enum BackgroundTexture
{
    Plain,
    Striped,
    Dotted,
}
