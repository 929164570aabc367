using System.Text;

namespace SdWeb.Engine.Tokenization;

/// <summary>
/// GPT-2/CLIP's bytes_to_unicode: byte-level BPE spells every byte as one printable character — printable bytes as
/// themselves, the others as the characters from U+0100 on, in byte order.
/// </summary>
internal static class ClipByteLevel
{
    private static readonly Dictionary<char, byte> ByteOfSymbol = BuildByteOfSymbol();

    public static bool IsPrintable(int b) => b is >= '!' and <= '~' or >= '¡' and <= '¬' or >= '®' and <= 'ÿ';

    /// <summary>The text a run of byte-level symbols spells (transformers' CLIPTokenizer.convert_tokens_to_string).</summary>
    public static string Decode(string symbols) =>
        Encoding.UTF8.GetString(symbols.Select(c => ByteOfSymbol.TryGetValue(c, out var b) ? b : (byte)'?').ToArray());

    private static Dictionary<char, byte> BuildByteOfSymbol()
    {
        var map = new Dictionary<char, byte>();
        int shifted = 0;
        for (int b = 0; b < 256; b++) map[IsPrintable(b) ? (char)b : (char)(256 + shifted++)] = (byte)b;
        return map;
    }
}
