using System.Text;
using System.Text.Json;

namespace SdWeb.Engine.Loading.RandomModels;

/// <summary>
/// A minimal CLIP-compatible BPE vocabulary of our own for random models: the 256 byte-level symbols (GPT-2/CLIP's
/// bytes_to_unicode, in CLIP's order, so ids 0–511 are CLIP's), their "&lt;/w&gt;" word-final forms, no merges, and
/// the special tokens at CLIP's ids 49406/49407 (the ids between are unused; the text encoder's vocab_size stays 49408).
/// Every text tokenizes, one byte per token.
/// </summary>
internal static class ByteLevelVocabulary
{
    public const int BosId = 49406;
    public const int EosId = 49407;

    /// <summary>CLIP's bytes_to_unicode values in vocabulary order: printable bytes as themselves, then the rest shifted past 255.</summary>
    public static IReadOnlyList<string> ByteSymbols()
    {
        var printable = Enumerable.Range(0, 256).Where(Tokenization.ClipByteLevel.IsPrintable).ToList();
        var symbols = printable.Select(b => ((char)b).ToString()).ToList();
        int next = 0;
        for (int b = 0; b < 256; b++)
            if (!printable.Contains(b)) symbols.Add(((char)(256 + next++)).ToString());
        return symbols;
    }

    public static void Write(string tokenizerDir)
    {
        Directory.CreateDirectory(tokenizerDir);
        var symbols = ByteSymbols();
        var vocab = new Dictionary<string, int>();
        foreach (var s in symbols.Concat(symbols.Select(s => s + "</w>"))) vocab[s] = vocab.Count;
        vocab["<|startoftext|>"] = BosId;
        vocab["<|endoftext|>"] = EosId;
        File.WriteAllText(Path.Combine(tokenizerDir, TokenizerFiles.VocabFileName), JsonSerializer.Serialize(vocab), new UTF8Encoding(false));
        File.WriteAllText(Path.Combine(tokenizerDir, TokenizerFiles.MergesFileName), "#version: 0.2\n", new UTF8Encoding(false));
    }
}
