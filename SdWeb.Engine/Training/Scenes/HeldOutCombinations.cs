namespace SdWeb.Engine.Training.Scenes;

/// <summary>
/// The colour × shape × position triples training never draws, about one in ten, kept for judging whether the model
/// composes words it learnt apart. For a given colour and shape at most one position is held out (7 is coprime to 10),
/// so every pair of the three is still seen in training.
/// </summary>
internal static class HeldOutCombinations
{
    public static bool IsHeldOut(SceneColour colour, SceneShape shape, ScenePosition position) =>
        (3 * (int)colour + 5 * (int)shape + 7 * (int)position) % 10 == 0;

    public static bool IsHeldOut(SceneObject o) => IsHeldOut(o.Colour, o.Shape, o.Position);

    public static IReadOnlyList<(SceneColour Colour, SceneShape Shape, ScenePosition Position)> All { get; } =
        [.. from c in ScenePalette.Colours from s in Enum.GetValues<SceneShape>() from p in SceneLayout.Positions
            where IsHeldOut(c, s, p) select (c, s, p)];
}
