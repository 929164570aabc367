using SdWeb.Engine.Training.Scenes;

namespace SdWeb.Engine.Training.Evaluation;

/// <summary>
/// The share of pictures whose background, object (colour at the named position) and shape match their captions, and
/// per asked shape how many were drawn right and what the wrong ones were read as (where a model's shapes go astray).
/// </summary>
internal sealed record SemanticScores(int Count, double Background, double Object, double Shape, IReadOnlyList<ShapeTally> ByShape)
{
    public static SemanticScores Of(IReadOnlyCollection<SceneJudgement> judgements) => new(judgements.Count,
        Share(judgements, j => j.BackgroundRight), Share(judgements, j => j.ObjectRight), Share(judgements, j => j.ShapeRight),
        [.. judgements.GroupBy(j => j.AskedShape).OrderBy(g => g.Key).Select(ShapeTally.Of)]);

    public override string ToString() =>
        $"background {Background:P0}, object colour at position {Object:P0}, shape {Shape:P0} (over {Count} pictures); " +
        string.Join(", ", ByShape);

    private static double Share(IReadOnlyCollection<SceneJudgement> judgements, Func<SceneJudgement, bool> right) =>
        judgements.Count == 0 ? 0 : judgements.Count(right) / (double)judgements.Count;
}
