using SdWeb.Engine.Training.Evaluation;
using SdWeb.Engine.Training.Scenes;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using Xunit.Abstractions;

namespace SdWeb.Tests.Training;

[Layer(Layer.Engine)]
public class SceneCheckerTests(ITestOutputHelper output)
{
    [Fact]
    public void ReadsTheGeneratorsOwnHeldOutPicturesRight()
    {
        var scores = JudgeHeldOutRenders(seed: 11, blurSigma: 0);
        output.WriteLine($"rendered: {scores}");
        Assert.True(scores.Background >= 0.99 && scores.Object >= 0.99 && scores.Shape >= 0.99, scores.ToString());
    }

    [Fact]
    public void ReadsSoftenedPicturesRight()
    {
        // A 1-pixel Gaussian blur: as soft as a decoder draws. The small stars' notches and the triangles' corners are the
        // first to go; thresholds placed only by the sharp renders called such stars squares (4 of 43 at σ = 0.7).
        var scores = JudgeHeldOutRenders(seed: 13, blurSigma: 1);
        output.WriteLine($"blurred: {scores}");
        Assert.True(scores.Background >= 0.99 && scores.Object >= 0.95 && scores.Shape >= 0.97, scores.ToString());
    }

    [Fact]
    public void IsNearChanceOnNoise()
    {
        var sampler = new SceneSampler(12);
        var noise = new ScenePrng(99);
        var judgements = Enumerable.Range(0, 200).Select(_ =>
        {
            using var image = new Image<Rgb24>(64, 64);
            for (int y = 0; y < 64; y++)
                for (int x = 0; x < 64; x++)
                    image[x, y] = new Rgb24((byte)noise.NextInt(256), (byte)noise.NextInt(256), (byte)noise.NextInt(256));
            return SceneChecker.Judge(image, sampler.NextHeldOut());
        }).ToList();
        var scores = SemanticScores.Of(judgements);
        output.WriteLine($"noise: {scores}");
        // Chance: 1 in 8 backgrounds, 1 in 7·5 colour-and-position pairs, 1 in 5 shapes.
        Assert.True(scores.Background <= 0.25 && scores.Object <= 0.1 && scores.Shape <= 0.4, scores.ToString());
    }

    [Fact]
    public void TalliesEachAskedShapeWithWhatTheWrongOnesWereReadAs()
    {
        // Each asked caption judged against a render of the same scene drawn with another shape.
        static SceneJudgement Drawn(SceneShape asked, SceneShape drawn)
        {
            var scene = new Scene(SceneColour.White, BackgroundTexture.Plain, [new SceneObject(asked, SceneColour.Red, true, ScenePosition.Centre)]);
            using var image = SceneRenderer.Render(scene with { Objects = [scene.Objects[0] with { Shape = drawn }] });
            return SceneChecker.Judge(image, scene);
        }

        var scores = SemanticScores.Of([
            Drawn(SceneShape.Triangle, SceneShape.Triangle), Drawn(SceneShape.Triangle, SceneShape.Star),
            Drawn(SceneShape.Triangle, SceneShape.Star), Drawn(SceneShape.Circle, SceneShape.Square)]);

        Assert.Equal(0.25, scores.Shape);
        Assert.Equal("circle 0/1 (as square 1), triangle 1/3 (as star 2)", string.Join(", ", scores.ByShape));
        Assert.Equal(new Dictionary<string, int> { ["star"] = 2 }, scores.ByShape.Single(t => t.Shape == "triangle").ReadAs);
    }

    /// <summary>500 held-out scenes rendered by the generator, blurred by a Gaussian of <paramref name="blurSigma"/> pixels (0: none), judged.</summary>
    private static SemanticScores JudgeHeldOutRenders(ulong seed, float blurSigma)
    {
        var sampler = new SceneSampler(seed);
        return SemanticScores.Of(Enumerable.Range(0, 500).Select(_ =>
        {
            var scene = sampler.NextHeldOut();
            using var image = SceneRenderer.Render(scene);
            if (blurSigma > 0) image.Mutate(c => c.GaussianBlur(blurSigma));
            return SceneChecker.Judge(image, scene);
        }).ToList());
    }
}
