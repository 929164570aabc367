using SdWeb.Generation.Plots;

namespace SdWeb.Tests.Web.Generation.Plots;

/// <summary>Axis values read as AUTOMATIC1111's xyz_grid.py reads them (Python's range and numpy's arange/linspace, worked out by hand).</summary>
[Layer(Layer.Web)]
public sealed class XyzAxisValuesTests
{
    private static List<string> Values(XyzAxisKind kind, string text) =>
        XyzAxisValues.Parse(new XyzAxis(kind, text), 16).Select(v => v.Value).ToList();

    [Theory]
    [InlineData("1-5", new[] { "1", "2", "3", "4", "5" })]
    [InlineData("1-10 (+2)", new[] { "1", "3", "5", "7", "9" })]
    [InlineData("5-1 (-2)", new[] { "5", "3" })]
    [InlineData("10-20 [3]", new[] { "10", "15", "20" })]
    [InlineData("1-3 [4]", new[] { "1", "1", "2", "3" })]
    [InlineData("7, 100-101,3", new[] { "7", "100", "101", "3" })]
    public void WholeNumberRangesExpandAsA1111Does(string text, string[] expected) =>
        Assert.Equal(expected, Values(XyzAxisKind.Steps, text));

    [Theory]
    [InlineData("5-9 (+1.5)", new[] { "5", "6.5", "8", "9.5" })]
    [InlineData("0.25-1 [4]", new[] { "0.25", "0.5", "0.75", "1" })]
    [InlineData("7, 7.5", new[] { "7", "7.5" })]
    public void DecimalRangesExpandAsA1111Does(string text, string[] expected) =>
        Assert.Equal(expected, Values(XyzAxisKind.CfgScale, text));

    [Fact]
    public void SamplersTakeA1111NamesOrTheEnginesAndAreLabelledTheA1111Way()
    {
        var values = XyzAxisValues.Parse(new XyzAxis(XyzAxisKind.Sampler, "Euler a, DPM++ 2M Karras, ddim"), 16);

        Assert.Equal(["euler_a", "dpmpp_2m_karras", "ddim"], values.Select(v => v.Value));
        Assert.Equal(["Euler a", "DPM++ 2M Karras", "DDIM"], values.Select(v => v.Label));
    }

    [Fact]
    public void PromptSearchReplaceKeepsQuotedCommasAndEmptyValues() =>
        Assert.Equal(["cat", "dog, black", "", "fox"], Values(XyzAxisKind.PromptSR, "cat, \"dog, black\",, fox"));

    [Fact]
    public void NumbersAreLabelledWithTheirSetting()
    {
        Assert.Equal(["Seed: 3", "Seed: 4"], XyzAxisValues.Parse(new XyzAxis(XyzAxisKind.Seed, "3-4"), 16).Select(v => v.Label));
        Assert.Equal(["CFG Scale: 7.5"], XyzAxisValues.Parse(new XyzAxis(XyzAxisKind.CfgScale, "7.5"), 16).Select(v => v.Label));
        Assert.Equal(["Size: 512x768"], XyzAxisValues.Parse(new XyzAxis(XyzAxisKind.Size, "512 x 768"), 16).Select(v => v.Label));
    }

    [Theory]
    [InlineData(XyzAxisKind.Sampler, "Euler z", "unknown sampler \"Euler z\"")]
    [InlineData(XyzAxisKind.Steps, "ten", "\"ten\" is not a whole number")]
    [InlineData(XyzAxisKind.CfgScale, "high", "\"high\" is not a number")]
    [InlineData(XyzAxisKind.Size, "512", "\"512\" is not a size")]
    [InlineData(XyzAxisKind.Seed, "1-1000000000", "more than 16 values")]
    [InlineData(XyzAxisKind.Steps, "1-5 (+0)", "the step must not be 0")]
    [InlineData(XyzAxisKind.Steps, " , ", "has no values")]
    public void BadValuesAreRefusedSayingWhy(XyzAxisKind kind, string text, string message)
    {
        var error = Assert.Throws<FormatException>(() => XyzAxisValues.Parse(new XyzAxis(kind, text), 16));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
