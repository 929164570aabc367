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
}
