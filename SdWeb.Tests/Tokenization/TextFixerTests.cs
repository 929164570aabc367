using SdWeb.Engine.Tokenization;

namespace SdWeb.Tests.Tokenization;

/// <summary>Beyond the golden cases: the examples ftfy 6's own documentation gives for the fixes TextFixer mirrors.</summary>
[Layer(Layer.Engine)]
public class TextFixerTests
{
    [Theory]
    [InlineData("Ãºnico", "único")]
    [InlineData("This text is fine already :þ", "This text is fine already :þ")]
    [InlineData("This â€” should be an em dash", "This — should be an em dash")]
    [InlineData("This â\u0080\u0094 was read as Latin-1", "This — was read as Latin-1")]
    [InlineData("This text is sad .â\u0081”.", "This text is sad .⁔.")]
    [InlineData("not such a fan of Charlotte Brontë…”", "not such a fan of Charlotte Brontë…\"")]
    [InlineData("\u00c3\u00a0\u00c2\u00b2\u00c2\u00a0_\u00c3\u00a0\u00c2\u00b2\u00c2\u00a0", "ಠ_ಠ")]
    [InlineData("This text was never UTF-8 at all\u0085", "This text was never UTF-8 at all…")]
    [InlineData("uÌˆnicode", "ünicode")]
    [InlineData("Broken text&hellip; it&#x2019;s ﬂubberiﬁc!", "Broken text… it's flubberific!")]
    [InlineData("HTML entities &lt;3", "HTML entities <3")]
    [InlineData("<em>HTML entities &lt;3</em>", "<em>HTML entities &lt;3</em>")]
    [InlineData("fish &amp; chips\n<b>fish &amp; chips</b>\nfish &amp; chips", "fish & chips\n<b>fish &amp; chips</b>\nfish &amp; chips")]
    [InlineData("\u0001\u001b[36;44mI&#x92;m blue, da ba dee da ba doo&#133;\u001b[0m", "I'm blue, da ba dee da ba doo…")]
    [InlineData("\ufeffParty like\r\nit&rsquo;s 1999!", "Party like\nit's 1999!")]
    [InlineData("ＬＯＵＤ　ＮＯＩＳＥＳ", "LOUD NOISES")]
    public void FixesAsFtfyDocumentsIt(string input, string expected) => Assert.Equal(expected, TextFixer.Fix(input));

    [Theory]
    [InlineData("ΟΔΥΣΣΕΥΣ", "οδυσσευς")]
    [InlineData("ΣΑΣ ΣΕ", "σας σε")]
    [InlineData("İstanbul", "i\u0307stanbul")]
    [InlineData("ÀÉÎ ΑΒΓ АБВ", "àéî αβγ абв")]
    [InlineData("\U00010400\U00010401 Σ\U0001D400", "\U00010428\U00010429 σ\U0001D400")]
    public void LowerCasesAsPython(string input, string expected) => Assert.Equal(expected, ClipTextNormalizer.PythonLower(input));

    [Theory]
    [InlineData("  a \t\n b\u00a0\u3000c\u001cd  ", "a b c d")]
    [InlineData("zero\u200bwidth", "zero\u200bwidth")]
    [InlineData(" \n ", "")]
    public void CollapsesWhitespaceAsPythonsRegex(string input, string expected) =>
        Assert.Equal(expected, ClipTextNormalizer.CollapseWhitespace(input));
}
