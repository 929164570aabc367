using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace SdWeb.Engine.Tokenization;

/// <summary>
/// CLIP's word pattern (tokenization_clip.py):
/// <c>&lt;\|startoftext\|&gt;|&lt;\|endoftext\|&gt;|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+</c>, case-insensitive.
/// Python matches it on code points; .NET matches UTF-16 units, so a letter or digit outside the BMP ("𝐀", "𠀀", "𝟏")
/// would fall into the punctuation class. The pattern therefore spells those out as surrogate pairs, so that words split
/// exactly as upstream's.
/// </summary>
internal static class ClipWordPattern
{
    public static Regex Regex { get; } = Build();

    private static Regex Build()
    {
        var letters = SupplementaryPairs(c => c is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter
            or UnicodeCategory.TitlecaseLetter or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter);
        var numbers = SupplementaryPairs(c => c is UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber
            or UnicodeCategory.OtherNumber);
        var pattern =
            @"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d" +
            $@"|(?:\p{{L}}|{letters})+" +
            $@"|\p{{N}}|{numbers}" +
            $@"|(?:(?!{letters}|{numbers})[^\s\p{{L}}\p{{N}}])+";
        return new Regex(pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled);
    }

    /// <summary>An alternation matching the surrogate pairs of every supplementary code point in the selected categories.</summary>
    private static string SupplementaryPairs(Func<UnicodeCategory, bool> selected)
    {
        var alternatives = new List<string>();
        for (char high = '\uD800'; high <= '\uDBFF'; high++)
        {
            var ranges = new StringBuilder();
            int start = -1;
            for (int low = 0xDC00; low <= 0xE000; low++)
            {
                bool inRange = low <= 0xDFFF && selected(Rune.GetUnicodeCategory(new Rune(high, (char)low)));
                if (inRange && start < 0) start = low;
                if (!inRange && start >= 0)
                {
                    ranges.Append($@"\u{start:X4}-\u{low - 1:X4}");
                    start = -1;
                }
            }
            if (ranges.Length > 0) alternatives.Add($@"\u{(int)high:X4}[{ranges}]");
        }
        return $"(?:{string.Join('|', alternatives)})";
    }
}
