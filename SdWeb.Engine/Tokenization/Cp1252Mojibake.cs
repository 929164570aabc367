using System.Text;

namespace SdWeb.Engine.Tokenization;

/// <summary>
/// Repairs "mojibake": UTF-8 bytes that were wrongly decoded as Windows-1252/Latin-1 ("cafÃ©" → "café"), the common
/// case of ftfy's fix_encoding. ftfy weighs candidates with a "badness" score; this keeps its two moves with a simpler test
/// of evidence: the whole text is re-decoded when all of it reads back as UTF-8 and some part clearly is mojibake, otherwise
/// only the clear mojibake runs are; repeated, since text can be mis-decoded more than once.
/// </summary>
internal static class Cp1252Mojibake
{
    // Windows-1252 0x80–0x9F; the five bytes it leaves undefined stay as the same-numbered C1 controls (ftfy's "sloppy" codec).
    private const string HighControlRange =
        "\u20AC\u0081\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\u008D\u017D\u008F" +
        "\u0090\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\u009D\u017E\u0178";

    private static readonly Dictionary<char, byte> ByteOf = BuildByteMap();
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Continuation bytes that are also punctuation commonly found after an accented letter ("Brontë…”", "É–"):
    /// a run whose continuations are all of these is not evidence of mojibake.
    /// </summary>
    private static readonly HashSet<byte> PlausiblePunctuation = [0x85, 0x91, 0x92, 0x93, 0x94, 0x96, 0x97, 0xA0];

    public static string Repair(string text)
    {
        for (int pass = 0; pass < 4; pass++)
        {
            var repaired = TryDecodeWhole(text) ?? RepairRuns(text);
            if (repaired == text) break;
            text = repaired;
        }
        return text;
    }

    /// <summary>The whole text re-decoded, when every character reads back as a byte, the bytes are UTF-8 and one run is clear mojibake.</summary>
    private static string? TryDecodeWhole(string text)
    {
        var bytes = new byte[text.Length];
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] < 0x80) bytes[i] = (byte)text[i];
            else if (!ByteOf.TryGetValue(text[i], out bytes[i])) return null;
        }
        if (!Enumerable.Range(0, text.Length).Any(i => TryDecodeAt(text, i, out _, out _))) return null;
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    /// <summary>Windows-1252 characters in 0x80–0x9F (and stray C1 controls) decoded as Windows-1252, as ftfy's fix_c1_controls.</summary>
    public static string DecodeC1Controls(string text)
    {
        if (!text.Any(c => c is >= '\u0080' and <= '\u009F')) return text;
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
            sb.Append(c is >= '\u0080' and <= '\u009F' ? HighControlRange[c - 0x80] : c);
        return sb.ToString();
    }

    private static string RepairRuns(string text)
    {
        StringBuilder? sb = null;
        int copied = 0;
        for (int i = 0; i < text.Length; i++)
        {
            if (!TryDecodeAt(text, i, out var decoded, out var length)) continue;
            sb ??= new StringBuilder(text.Length);
            sb.Append(text, copied, i - copied).Append(decoded);
            i += length - 1;
            copied = i + 1;
        }
        return sb is null ? text : sb.Append(text, copied, text.Length - copied).ToString();
    }

    private static bool TryDecodeAt(string text, int start, out string decoded, out int length)
    {
        decoded = "";
        length = 0;
        if (!ByteOf.TryGetValue(text[start], out var lead)) return false;
        length = lead switch
        {
            >= 0xC2 and <= 0xDF => 2,
            >= 0xE0 and <= 0xEF => 3,
            >= 0xF0 and <= 0xF4 => 4,
            _ => 0,
        };
        if (length == 0 || start + length > text.Length) return false;

        var bytes = new byte[length];
        bytes[0] = lead;
        for (int k = 1; k < length; k++)
        {
            if (!ByteOf.TryGetValue(text[start + k], out var b) || b is < 0x80 or > 0xBF) return false;
            bytes[k] = b;
        }
        // Clear mojibake: the lead is Â/Ã before a continuation (the mojibake of U+0080–U+00FF, never seen in real text)
        // or some continuation is not common punctuation.
        bool clear = (length == 2 && lead is (0xC2 or 0xC3)) || bytes.Skip(1).Any(b => !PlausiblePunctuation.Contains(b));
        if (!clear) return false;
        try
        {
            decoded = StrictUtf8.GetString(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    private static Dictionary<char, byte> BuildByteMap()
    {
        var map = new Dictionary<char, byte>();
        for (int b = 0x80; b <= 0x9F; b++)
        {
            map[HighControlRange[b - 0x80]] = (byte)b;
            map[(char)b] = (byte)b; // the same byte mis-decoded as Latin-1 instead
        }
        for (int b = 0xA0; b <= 0xFF; b++) map[(char)b] = (byte)b;
        return map;
    }
}
