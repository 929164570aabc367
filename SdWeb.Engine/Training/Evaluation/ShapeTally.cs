using SdWeb.Engine.Training.Scenes;

namespace SdWeb.Engine.Training.Evaluation;

/// <summary>Pictures asked for one shape: how many, how many drawn right, and the wrong ones by what they were read as ("none": no object found).</summary>
internal sealed record ShapeTally(string Shape, int Count, int Right, IReadOnlyDictionary<string, int> ReadAs)
{
    public static ShapeTally Of(IGrouping<SceneShape, SceneJudgement> asked) => new(SceneCaptions.ShapeWord(asked.Key), asked.Count(),
        asked.Count(j => j.ShapeRight),
        asked.Where(j => !j.ShapeRight).GroupBy(j => j.Shape is { } read ? SceneCaptions.ShapeWord(read) : "none")
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count()));

    public override string ToString() =>
        $"{Shape} {Right}/{Count}" + (ReadAs.Count == 0 ? "" : $" (as {string.Join(", ", ReadAs.Select(r => $"{r.Key} {r.Value}"))})");
}
