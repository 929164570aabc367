using SdWeb.Engine.Devices;
using SdWeb.Engine.Pipelines;
using SdWeb.Engine.Training.Scenes;

namespace SdWeb.Engine.Training.Evaluation;

/// <summary>
/// Generates each held-out caption through the real pipeline as a user would (Euler a, 20 steps, CFG 7, 64×64) and
/// judges the pictures with <see cref="SceneChecker"/>: the acceptance measure, independent of the weights.
/// </summary>
internal static class HeldOutEvaluation
{
    public static SemanticScores Score(string modelDir, int count, long seed, CancellationToken cancellationToken)
    {
        using var pipeline = new PipelineFactory(new EngineOptions { Device = "cpu", DType = "fp32" }).Load(modelDir);
        var sampler = new SceneSampler((ulong)seed);
        var judgements = new List<SceneJudgement>();
        for (int i = 0; i < count; i++)
        {
            var scene = sampler.NextHeldOut();
            using var result = pipeline.Generate(DemoModelTraining.Request(scene.Caption, seed + i), progress: null, cancellationToken);
            judgements.Add(SceneChecker.Judge(result.Images[0].Image, scene));
        }
        return SemanticScores.Of(judgements);
    }
}
