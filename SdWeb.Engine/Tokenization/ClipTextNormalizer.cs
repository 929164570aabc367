using System.Globalization;
using System.Text;
using Microsoft.ML.Tokenizers;

namespace SdWeb.Engine.Tokenization;

/// <summary>
/// transformers' CLIPTokenizer text preparation: <c>whitespace_clean(ftfy.fix_text(text)).lower()</c>, with Python's
/// notion of whitespace and of lower-casing (which differ from .NET's in a few characters).
/// </summary>
internal sealed class ClipTextNormalizer : Normalizer
{
    public static ClipTextNormalizer Instance { get; } = new();

    private ClipTextNormalizer() { }

    public override string Normalize(string original) => PythonLower(CollapseWhitespace(TextFixer.Fix(original)));

    public override string Normalize(ReadOnlySpan<char> original) => Normalize(original.ToString());

    /// <summary><c>re.sub(r"\s+", " ", text).strip()</c>.</summary>
    internal static string CollapseWhitespace(string text)
    {
        var sb = new StringBuilder(text.Length);
        bool pendingSpace = false;
        foreach (var c in text)
        {
            if (IsPythonWhitespace(c)) { pendingSpace = sb.Length > 0; continue; }
            if (pendingSpace) sb.Append(' ');
            pendingSpace = false;
            sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>Python's str.isspace also counts the information separators U+001C–U+001F, .NET does not.</summary>
    private static bool IsPythonWhitespace(char c) => char.IsWhiteSpace(c) || c is >= '\u001C' and <= '\u001F';

    /// <summary>
    /// Python's str.lower: the simple lower-case mapping, plus the two special cases of Unicode's SpecialCasing.txt that are
    /// not language-specific: 'İ' becomes "i̇", and 'Σ' ends a word as 'ς'.
    /// </summary>
    internal static string PythonLower(string text)
    {
        var lower = text.ToLowerInvariant();
        if (!text.Contains('\u0130') && !text.Contains('\u03A3')) return lower;

        var sb = new StringBuilder(text.Length + 4);
        for (int i = 0; i < text.Length; i++)
        {
            sb.Append(text[i] switch
            {
                '\u0130' => "i\u0307",
                '\u03A3' => IsFinalSigma(text, i) ? "ς" : "σ",
                _ => lower[i].ToString(),
            });
        }
        return sb.ToString();
    }

    /// <summary>Unicode's Final_Sigma condition: a cased letter before (skipping case-ignorable ones), none after.</summary>
    private static bool IsFinalSigma(string text, int index)
    {
        return NearestNotIgnorable(text.AsSpan(0, index), backwards: true) is { } before && IsCased(before) &&
            !(NearestNotIgnorable(text.AsSpan(index + 1), backwards: false) is { } after && IsCased(after));
    }

    /// <summary>The first code point from one end of the span that is not case-ignorable (code points, not UTF-16 units).</summary>
    private static Rune? NearestNotIgnorable(ReadOnlySpan<char> span, bool backwards)
    {
        while (!span.IsEmpty)
        {
            var status = backwards ? Rune.DecodeLastFromUtf16(span, out var rune, out int used) : Rune.DecodeFromUtf16(span, out rune, out used);
            if (status != System.Buffers.OperationStatus.Done || !IsCaseIgnorable(rune)) return rune;
            span = backwards ? span[..^used] : span[used..];
        }
        return null;
    }

    private static bool IsCased(Rune r) => Rune.GetUnicodeCategory(r) is
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter;

    private static bool IsCaseIgnorable(Rune r) => r.Value is '\'' or '.' or ':' or '^' or '`' or '\u00B7' or '\u2019' ||
        Rune.GetUnicodeCategory(r) is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark
            or UnicodeCategory.Format or UnicodeCategory.ModifierLetter or UnicodeCategory.ModifierSymbol;
}
