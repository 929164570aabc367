using SdWeb.Generation;

namespace SdWeb.Tests.Web.Styles;

/// <summary>Styles merge into prompts as AUTOMATIC1111's modules/styles.py merge_prompts does (expected texts worked out by hand from its rules).</summary>
[Layer(Layer.Web)]
public sealed class PromptStylesTests
{
    [Theory]
    [InlineData("a fox", "{prompt}, oil painting", "a fox, oil painting")]
    [InlineData("a fox", "masterpiece, {prompt}, 4k", "masterpiece, a fox, 4k")]
    [InlineData(" a fox ", "  best quality ", "a fox, best quality")]
    [InlineData("", "best quality", "best quality")]
    [InlineData("a fox", "", "a fox")]
    [InlineData("", "{prompt} at night", " at night")]
    public void OneStyleGoesWhereItsPlaceholderIsOrAfterThePrompt(string prompt, string style, string expected) =>
        Assert.Equal(expected, PromptStyles.Apply(prompt, [style]));

    [Fact]
    public void StylesApplyInTheOrderPicked()
    {
        Assert.Equal("in a fox, detailed style", PromptStyles.Apply("a fox", ["detailed", "in {prompt} style"]));
        Assert.Equal("in a fox style, detailed", PromptStyles.Apply("a fox", ["in {prompt} style", "detailed"]));
    }
}
