using Bunit;
using SdWeb.Components.Generate;
using SdWeb.Engine.Networks;

namespace SdWeb.Tests.Web.Components;

[Layer(Layer.Web)]
public sealed class NetworkPickerTests : MudComponentTest
{
    private static readonly NetworkFile Detail = new("tiny-detail", "/models/Lora/tiny-detail.safetensors", "0123456789ab");
    private static readonly NetworkFile Style = new("tiny-style", "/models/embeddings/tiny-style.safetensors", "ba9876543210");

    private (IRenderedComponent<NetworkPicker> Picker, Func<string?> Prompt) RenderPicker(string prompt)
    {
        string? changed = null;
        var picker = Render<NetworkPicker>(p => p
            .Add(c => c.Loras, [Detail])
            .Add(c => c.Embeddings, [Style])
            .Add(c => c.Prompt, prompt)
            .Add(c => c.PromptChanged, value => changed = value));
        return (picker, () => changed);
    }

    [Fact]
    public void PickingALoraAppendsItsTagWithWeightPointEight()
    {
        var (picker, prompt) = RenderPicker("a red fox ");

        picker.Find(".lora-pick[data-name='tiny-detail']").Click();

        Assert.Equal("a red fox <lora:tiny-detail:0.8>", prompt());
    }

    [Fact]
    public void PickingAnEmbeddingAppendsItsTriggerWordToAnEmptyPrompt()
    {
        var (picker, prompt) = RenderPicker("");

        picker.Find(".embedding-pick[data-name='tiny-style']").Click();

        Assert.Equal("tiny-style", prompt());
    }

    [Fact]
    public void EachFileShowsItsHash()
    {
        var (picker, _) = RenderPicker("");

        Assert.Equal(["0123456789ab", "ba9876543210"], picker.FindAll(".network-hash").Select(e => e.TextContent));
    }

    [Fact]
    public void NothingShowsWithoutFiles()
    {
        var picker = Render<NetworkPicker>(p => p.Add(c => c.Prompt, "a fox"));

        Assert.Empty(picker.FindAll("#network-picker"));
    }

    [Fact]
    public void EachFileSaysWhichModelsItFitsAndAFileForAnotherWidthIsMarked()
    {
        var sd15Lora = new NetworkFile("film-grain", "/models/Lora/film-grain.safetensors", "aaaaaaaaaaaa", 768);
        var tinyLora = Detail with { TextWidth = 32 };
        var widths = new Dictionary<string, int?> { ["sd15"] = 768, ["tiny-sd"] = 32, ["broken"] = null };

        var picker = Render<NetworkPicker>(p => p
            .Add(c => c.Loras, [sd15Lora, tinyLora])
            .Add(c => c.Model, "tiny-sd")
            .Add(c => c.ModelWidths, widths));

        var film = picker.Find(".lora-pick[data-name='film-grain']");
        Assert.Contains("network-misfit", film.ClassList);
        Assert.Contains("made for SD 1.x · fits: sd15 · does not fit tiny-sd (32-wide text encoder)", film.GetAttribute("title"));
        var tiny = picker.Find(".lora-pick[data-name='tiny-detail']");
        Assert.DoesNotContain("network-misfit", tiny.ClassList);
        Assert.Contains("fits: tiny-sd", tiny.GetAttribute("title"));
        Assert.Equal(["SD 1.x", "32-wide text encoder"], picker.FindAll(".network-family").Select(e => e.TextContent));
    }

    [Fact]
    public void AFileOfUnknownWidthIsNeitherMarkedNorGivenModels()
    {
        var picker = Render<NetworkPicker>(p => p
            .Add(c => c.Loras, [Detail])
            .Add(c => c.Model, "tiny-sd")
            .Add(c => c.ModelWidths, new Dictionary<string, int?> { ["tiny-sd"] = 32 }));

        var button = picker.Find(".lora-pick");
        Assert.DoesNotContain("network-misfit", button.ClassList);
        Assert.DoesNotContain("fits", button.GetAttribute("title"));
    }
}
