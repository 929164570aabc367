namespace SdWeb.Engine.Training.Scenes;

/// <summary>
/// Draws scenes from a seed: the training stream (<see cref="NextTraining"/>, never a held-out triple) and the held-out
/// evaluation scenes (<see cref="NextHeldOut"/>, one object whose triple is held out). The two are disjoint by
/// construction: every training object is checked against <see cref="HeldOutCombinations"/>, every held-out scene
/// is built from it.
/// </summary>
internal sealed class SceneSampler(ScenePrng random)
{
    private const double TwoObjectShare = 0.3;

    public SceneSampler(ulong seed) : this(new ScenePrng(seed)) { }

    public ScenePrng Random { get; } = random;

    public Scene NextTraining()
    {
        while (true)
        {
            var scene = Draw();
            if (!scene.Objects.Any(HeldOutCombinations.IsHeldOut)) return scene;
        }
    }

    public Scene NextHeldOut()
    {
        var (colour, shape, position) = HeldOutCombinations.All[Random.NextInt(HeldOutCombinations.All.Count)];
        var background = Pick(ScenePalette.Colours.Where(c => c != colour).ToList());
        return new Scene(background, Texture(), [Jittered(shape, colour, Random.NextInt(2) == 1, position)]);
    }

    private Scene Draw()
    {
        var background = Pick(ScenePalette.Colours);
        var texture = Texture();
        var others = ScenePalette.Colours.Where(c => c != background).ToList();
        SceneObject NewObject(bool large, ScenePosition position) =>
            Jittered(Pick(Enum.GetValues<SceneShape>()), Pick(others), large, position);

        if (Random.NextDouble() >= TwoObjectShare)
            return new Scene(background, texture, [NewObject(Random.NextInt(2) == 1, Pick(SceneLayout.Positions))]);
        var (first, second) = Random.NextInt(2) == 0
            ? (ScenePosition.Left, ScenePosition.Right) : (ScenePosition.Top, ScenePosition.Bottom);
        return new Scene(background, texture, [NewObject(false, first), NewObject(false, second)]);
    }

    /// <summary>Half plain, a quarter each striped and dotted.</summary>
    private BackgroundTexture Texture() => Random.NextInt(4) switch
    {
        0 => BackgroundTexture.Striped,
        1 => BackgroundTexture.Dotted,
        _ => BackgroundTexture.Plain,
    };

    private SceneObject Jittered(SceneShape shape, SceneColour colour, bool large, ScenePosition position) =>
        new(shape, colour, large, position, OffsetX: Random.NextDouble() * 4 - 2, OffsetY: Random.NextDouble() * 4 - 2,
            Turn: (Random.NextDouble() - 0.5) * 0.4);

    private T Pick<T>(IReadOnlyList<T> items) => items[Random.NextInt(items.Count)];
}
