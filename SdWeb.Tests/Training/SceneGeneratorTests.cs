using System.Security.Cryptography;
using SdWeb.Engine.Training.Scenes;
using SixLabors.ImageSharp.PixelFormats;

namespace SdWeb.Tests.Training;

[Layer(Layer.Engine)]
public class SceneGeneratorTests
{
    [Fact]
    public void TheSameSeedDrawsTheSamePictureBytes()
    {
        Assert.Equal(Pictures(seed: 7, count: 12), Pictures(seed: 7, count: 12));
    }

    [Fact]
    public void SeedZeroStillDrawsThePicturesTheShippedModelWasTrainedOn()
    {
        // SHA-256 of the first 2,000 training pictures of seed 0, from the renderer at 5a98e36, which drew the shipped
        // demo model's training data: a faster renderer must give the same bytes, or docs/demo-model.md's hash is not
        // reproducible any more.
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var picture in Pictures(seed: 0, count: 2000)) sha.AppendData(picture);
        Assert.Equal("24865f9daadff49eabd08a9b5b2baeffc3af3d97fc5cf6f59fc9b028fa9911fd", Convert.ToHexStringLower(sha.GetHashAndReset()));
    }

    [Fact]
    public void DifferentSeedsDrawDifferentScenes()
    {
        Assert.NotEqual(Pictures(seed: 7, count: 12), Pictures(seed: 8, count: 12));
    }

    [Fact]
    public void TheGeneratorIsSplitMix64()
    {
        // The first outputs for seed 1234567 from the algorithm's reference implementation (Vigna, splitmix64.c).
        var prng = new ScenePrng(1234567);
        Assert.Equal(6457827717110365317UL, prng.NextULong());
        Assert.Equal(3203168211198807973UL, prng.NextULong());
    }

    [Fact]
    public void TrainingNeverDrawsAHeldOutCombination()
    {
        var sampler = new SceneSampler(3);
        var training = Enumerable.Range(0, 5000).Select(_ => sampler.NextTraining()).ToList();
        Assert.DoesNotContain(training.SelectMany(s => s.Objects), HeldOutCombinations.IsHeldOut);
        var heldOut = Enumerable.Range(0, 500).Select(_ => sampler.NextHeldOut()).ToList();
        Assert.All(heldOut, s => Assert.True(HeldOutCombinations.IsHeldOut(Assert.Single(s.Objects))));
        Assert.Empty(training.Select(s => s.Caption).Intersect(heldOut.Select(s => s.Caption)));
        // Every held-out triple is asked for, and every colour, shape and position is still trained on.
        Assert.Equal(HeldOutCombinations.All.Count, heldOut.Select(s => s.Objects[0]).Select(o => (o.Colour, o.Shape, o.Position)).Distinct().Count());
        var trainedObjects = training.SelectMany(s => s.Objects).ToList();
        Assert.Equal(Enum.GetValues<SceneColour>().Length, trainedObjects.Select(o => o.Colour).Distinct().Count());
        Assert.Equal(Enum.GetValues<SceneShape>().Length, trainedObjects.Select(o => o.Shape).Distinct().Count());
        Assert.Equal(Enum.GetValues<ScenePosition>().Length, trainedObjects.Select(o => o.Position).Distinct().Count());
    }

    [Fact]
    public void HeldOutCombinationsAreAboutATenth()
    {
        int all = Enum.GetValues<SceneColour>().Length * Enum.GetValues<SceneShape>().Length * Enum.GetValues<ScenePosition>().Length;
        Assert.InRange(HeldOutCombinations.All.Count, all / 12, all / 8);
    }

    [Fact]
    public void CaptionsFollowTheGrammar()
    {
        var scene = new Scene(SceneColour.Yellow, BackgroundTexture.Striped,
            [new SceneObject(SceneShape.Square, SceneColour.Blue, Large: true, ScenePosition.Right)]);
        Assert.Equal("a large blue square at the right on a yellow striped background", scene.Caption);
        var pair = new Scene(SceneColour.White, BackgroundTexture.Plain,
            [new SceneObject(SceneShape.Circle, SceneColour.Red, false, ScenePosition.Left), new SceneObject(SceneShape.Star, SceneColour.Blue, false, ScenePosition.Right)]);
        Assert.Equal("a red circle left of a blue star on a white background", pair.Caption);
        var sampler = new SceneSampler(5);
        var words = Enumerable.Range(0, 2000).SelectMany(_ => sampler.NextTraining().Caption.Split(' ')).ToHashSet();
        Assert.Subset(SceneCaptions.Words.ToHashSet(), words);
    }

    [Fact]
    public void APictureShowsItsBackgroundAndObjectColours()
    {
        var scene = new Scene(SceneColour.Green, BackgroundTexture.Plain,
            [new SceneObject(SceneShape.Circle, SceneColour.Red, Large: true, ScenePosition.Centre)]);
        using var image = SceneRenderer.Render(scene);
        Assert.Equal(new Rgb24(220, 40, 40), image[32, 32]); // the palette's red, drawn independently of the renderer's maths
        Assert.Equal(new Rgb24(40, 170, 60), image[1, 1]);
    }

    private static List<byte[]> Pictures(ulong seed, int count)
    {
        var sampler = new SceneSampler(seed);
        return [.. Enumerable.Range(0, count).Select(_ =>
        {
            using var image = SceneRenderer.Render(sampler.NextTraining());
            var bytes = new byte[64 * 64 * 3];
            image.CopyPixelDataTo(bytes);
            return bytes;
        })];
    }
}
