namespace SdWeb.Engine.Training.Scenes;

/// <summary>The geometry shared by the renderer and the checker: the picture's size, each position's anchor, the object radii.</summary>
internal static class SceneLayout
{
    public const int Size = 64;
    public const double SmallRadius = 11;
    public const double LargeRadius = 14;

    public static IReadOnlyList<ScenePosition> Positions { get; } = Enum.GetValues<ScenePosition>();

    /// <summary>The centre of an object at <paramref name="position"/>, in pixels.</summary>
    public static (double X, double Y) Anchor(ScenePosition position) => position switch
    {
        ScenePosition.Left => (17, 32),
        ScenePosition.Right => (47, 32),
        ScenePosition.Top => (32, 17),
        ScenePosition.Bottom => (32, 47),
        ScenePosition.Centre => (32, 32),
        _ => throw new ArgumentOutOfRangeException(nameof(position), position, null),
    };

    /// <summary>The position whose anchor is nearest to a point: how the checker reads where an object is.</summary>
    public static ScenePosition Nearest(double x, double y) =>
        Positions.MinBy(p => Math.Pow(Anchor(p).X - x, 2) + Math.Pow(Anchor(p).Y - y, 2));
}
