using SdWeb.Engine.Training;
using SdWeb.Engine.Training.Evaluation;
using SdWeb.Engine.Training.Scenes;

namespace SdWeb.Tests.Training;

/// <summary>What the banner offers for the demo model: prompts of its grammar it was trained on, and its words.</summary>
[Layer(Layer.Engine)]
public class SuggestedPromptsTests
{
    [Fact]
    public void EverySuggestionIsATrainedOneObjectCaptionWhosePictureTheCheckerReadsBack()
    {
        Assert.InRange(DemoModelTraining.SuggestedPrompts.Count, 3, 4);
        Assert.Equal(DemoModelTraining.SuggestedPrompts, SuggestedScenes.All.Select(s => s.Caption));
        foreach (var scene in SuggestedScenes.All)
        {
            var only = Assert.Single(scene.Objects);
            Assert.False(HeldOutCombinations.IsHeldOut(only), $"'{scene.Caption}' is held out from training");
            using var picture = SceneRenderer.Render(scene);
            var judgement = SceneChecker.Judge(picture, scene);
            Assert.True(judgement.BackgroundRight && judgement.ObjectRight && judgement.ShapeRight, $"'{scene.Caption}': {judgement}");
        }
        Assert.Equal(4, DemoModelTraining.SuggestedPrompts.Select(p => p.Split(' ')[3]).Distinct().Count()); // a shape each
    }

    [Fact]
    public void TheWordsShownAreTheGrammarsWords()
    {
        Assert.Equal(["circle", "square", "triangle", "star", "ring"], DemoModelTraining.Shapes);
        Assert.Equal(["red", "orange", "yellow", "green", "blue", "purple", "white", "black"], DemoModelTraining.Colours);
        Assert.Equal(["left", "right", "top", "bottom", "centre"], DemoModelTraining.Positions);
        Assert.Equal(["plain", "striped", "dotted"], DemoModelTraining.Backgrounds);
        var captionWords = SceneCaptions.Words.ToHashSet();
        Assert.All(DemoModelTraining.Shapes.Concat(DemoModelTraining.Colours).Concat(DemoModelTraining.Positions), w => Assert.Contains(w, captionWords));
    }
}
