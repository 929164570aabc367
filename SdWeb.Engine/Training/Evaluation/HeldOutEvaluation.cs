using SdWeb.Engine.Devices;
using SdWeb.Engine.Pipelines;
using SdWeb.Engine.Training.Scenes;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace SdWeb.Engine.Training.Evaluation;

/// <summary>
/// Generates captions through the real pipeline as a user would (Euler a, 20 steps, CFG 7, 64×64) and judges the
/// pictures with <see cref="SceneChecker"/>: the acceptance measure, independent of the weights.
/// </summary>
internal static class HeldOutEvaluation
{
    /// <summary>Seeds 0… per suggested prompt: what a newcomer clicking them sees.</summary>
    public const int SuggestedSeeds = 8;

    /// <summary>The next <paramref name="count"/> held-out captions, caption i generated with seed <paramref name="seed"/> + i.</summary>
    /// <param name="gridPng">Where to write the pictures as one grid (null: nowhere).</param>
    /// <param name="cfgScale">The guidance scale (the acceptance's is the demo's, <see cref="DemoModelTraining.CfgScale"/>).</param>
    public static SemanticScores Score(string modelDir, int count, long seed, string? gridPng, CancellationToken cancellationToken,
        double cfgScale = DemoModelTraining.CfgScale)
    {
        var sampler = new SceneSampler((ulong)seed);
        return Judge(modelDir, Enumerable.Range(0, count).Select(i => (sampler.NextHeldOut(), seed + i)), gridPng, cfgScale, cancellationToken);
    }

    /// <summary>Each suggested prompt with seeds 0 … <see cref="SuggestedSeeds"/> − 1 (a prompt to a row of the grid).</summary>
    public static SemanticScores ScoreSuggested(string modelDir, string? gridPng, CancellationToken cancellationToken) =>
        Judge(modelDir, SuggestedScenes.All.SelectMany(scene => Enumerable.Range(0, SuggestedSeeds).Select(seed => (scene, (long)seed))),
            gridPng, DemoModelTraining.CfgScale, cancellationToken);

    private static SemanticScores Judge(string modelDir, IEnumerable<(Scene Scene, long Seed)> generations, string? gridPng,
        double cfgScale, CancellationToken cancellationToken)
    {
        using var pipeline = new PipelineFactory(new EngineOptions { Device = "cpu", DType = "fp32" }).Load(modelDir);
        var judgements = new List<SceneJudgement>();
        var pictures = new List<Image<Rgb24>>();
        try
        {
            foreach (var (scene, seed) in generations)
            {
                var result = pipeline.Generate(DemoModelTraining.Request(scene.Caption, seed) with { CfgScale = cfgScale }, progress: null, cancellationToken);
                pictures.Add(result.Images[0].Image);
                judgements.Add(SceneChecker.Judge(result.Images[0].Image, scene));
            }
            if (gridPng is not null && pictures.Count > 0)
            {
                using var grid = SampleGrid.Of(pictures);
                grid.SaveAsPng(gridPng);
            }
        }
        finally
        {
            pictures.ForEach(p => p.Dispose());
        }
        return SemanticScores.Of(judgements);
    }
}
