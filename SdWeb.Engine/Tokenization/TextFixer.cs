using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace SdWeb.Engine.Tokenization;

/// <summary>
/// The subset of ftfy 6.1's <c>fix_text</c> (default settings) that prompts need, line by line, in ftfy's order and repeated
/// until nothing changes: HTML entities (up to the first line containing '&lt;'), mojibake, Windows-1252 C1 controls, Latin ligatures,
/// full-width characters, curly quotes, line breaks, lone surrogates, terminal escapes, control characters, then NFC.
/// transformers' CLIPTokenizer runs this before whitespace cleaning.
/// </summary>
internal static partial class TextFixer
{
    private const string Ligatures = "ĲĳŉǄǅǆǇǈǉǊǋǌǱǲǳﬀﬁﬂﬃﬄﬅﬆ";

    public static string Fix(string text)
    {
        var fixedText = new StringBuilder(text.Length);
        bool unescapeHtml = true;
        int position = 0;
        while (position < text.Length)
        {
            int lineBreak = text.IndexOf('\n', position);
            int end = lineBreak < 0 ? text.Length : lineBreak + 1;
            var line = text[position..end];
            // ftfy works line by line; from the first line with a '<' on, the text may be HTML markup whose entities must stay.
            if (line.Contains('<')) unescapeHtml = false;
            fixedText.Append(FixLine(line, unescapeHtml));
            position = end;
        }
        return fixedText.ToString();
    }

    private static string FixLine(string text, bool unescapeHtml)
    {
        for (int pass = 0; pass < 8; pass++)
        {
            var before = text;
            if (unescapeHtml) text = UnescapeHtml(text);
            text = Cp1252Mojibake.Repair(text);
            text = Cp1252Mojibake.DecodeC1Controls(text);
            text = MapChars(text, c => Ligatures.Contains(c) || IsWidthVariant(c));
            text = UncurlQuotes(text);
            text = FixLineBreaks(text);
            text = ReplaceLoneSurrogates(text);
            text = TerminalEscape().Replace(text, "");
            text = RemoveControlChars(text);
            text = text.Normalize(NormalizationForm.FormC);
            if (text == before) break;
        }
        return text;
    }

    private static string UnescapeHtml(string text) =>
        text.Contains('&') ? HtmlEntity().Replace(text, m => WebUtility.HtmlDecode(m.Value)) : text;

    /// <summary>Replaces the selected characters by their NFKC form (ftfy's fix_latin_ligatures and fix_character_width).</summary>
    private static string MapChars(string text, Func<char, bool> selected)
    {
        if (!text.Any(selected)) return text;
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (selected(c)) sb.Append(c.ToString().Normalize(NormalizationForm.FormKC));
            else sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>Full-width ASCII, half-width katakana/hangul and the ideographic space.</summary>
    private static bool IsWidthVariant(char c) => c is '\u3000' or (>= '\uFF01' and < '\uFFF0');

    private static string UncurlQuotes(string text)
    {
        if (!text.Any(c => c is '\u02BC' or (>= '\u2018' and <= '\u201F'))) return text;
        var chars = text.ToCharArray();
        for (int i = 0; i < chars.Length; i++)
        {
            chars[i] = chars[i] switch
            {
                '\u02BC' or (>= '\u2018' and <= '\u201B') => '\'',
                >= '\u201C' and <= '\u201F' => '"',
                var c => c,
            };
        }
        return new string(chars);
    }

    private static string FixLineBreaks(string text) =>
        text.Replace("\r\n", "\n").Replace('\r', '\n').Replace('\u2028', '\n').Replace('\u2029', '\n').Replace('\u0085', '\n');

    private static string ReplaceLoneSurrogates(string text)
    {
        var chars = text.ToCharArray();
        bool changed = false;
        for (int i = 0; i < chars.Length; i++)
        {
            if (char.IsHighSurrogate(chars[i]) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1])) { i++; continue; }
            if (char.IsSurrogate(chars[i])) { chars[i] = '\uFFFD'; changed = true; }
        }
        return changed ? new string(chars) : text;
    }

    /// <summary>ftfy's CONTROL_CHARS: C0 controls except tab/LF/FF/CR, DEL, deprecated bidi formatting, BOM, annotation marks.</summary>
    private static string RemoveControlChars(string text)
    {
        static bool IsRemoved(char c) => c is (<= '\u0008') or '\u000B' or (>= '\u000E' and <= '\u001F') or '\u007F'
            or (>= '\u206A' and <= '\u206F') or '\uFEFF' or (>= '\uFFF9' and <= '\uFFFC');
        return text.Any(IsRemoved) ? string.Concat(text.Where(c => !IsRemoved(c))) : text;
    }

    [GeneratedRegex("&#?[0-9A-Za-z]{1,24};")]
    private static partial Regex HtmlEntity();

    [GeneratedRegex(@"\u001B\[(?:[0-9]|;)*[a-zA-Z]")]
    private static partial Regex TerminalEscape();
}
