using System.Text;
using System.Text.Json;
using SdWeb.Engine.Loading;
using SdWeb.Engine.Loading.RandomModels;
using SdWeb.Engine.Tokenization;

namespace SdWeb.Engine.Training.Model;

/// <summary>
/// A CLIP BPE vocabulary in which each given word is one token: the 512 byte-level symbols (so any other text still
/// tokenizes, byte by byte), the merges that build each word with its "&lt;/w&gt;" end, then BOS and EOS. Merges are
/// found by asking the real tokenizer: while a word is still in pieces, the merge of its first two pieces is appended.
/// An appended merge ranks below every earlier one, so it never changes how an earlier word is merged.
/// </summary>
internal sealed class WordVocabulary
{
    private readonly Dictionary<string, int> _vocab;
    private readonly List<string> _merges;

    private WordVocabulary(Dictionary<string, int> vocab, List<string> merges) => (_vocab, _merges) = (vocab, merges);

    public int Count => _vocab.Count;
    public int BosId => _vocab[ClipTokenizerSettings.StartOfText];
    public int EosId => _vocab[ClipTokenizerSettings.EndOfText];

    public static WordVocabulary Build(IEnumerable<string> words)
    {
        var symbols = ByteLevelVocabulary.ByteSymbols();
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var s in symbols.Concat(symbols.Select(s => s + "</w>"))) vocab[s] = vocab.Count;
        var merges = new List<string>();
        foreach (var word in words)
        {
            while (true)
            {
                var partial = WithSpecialTokens(vocab, merges);
                var pieces = partial.Tokenizer().TokenIds(word).Select(partial.SymbolOf).ToList();
                if (pieces.Count == 1) break;
                merges.Add($"{pieces[0]} {pieces[1]}");
                vocab[pieces[0] + pieces[1]] = vocab.Count;
            }
        }
        return WithSpecialTokens(vocab, merges);
    }

    public ClipTokenizer Tokenizer() => ClipTokenizer.FromFiles(
        new TokenizerFiles("demo word vocabulary", () => new MemoryStream(VocabJson()), () => new MemoryStream(MergesText())),
        new ClipTokenizerSettings());

    /// <summary>Writes vocab.json and merges.txt into a diffusers tokenizer/ folder.</summary>
    public void Write(string tokenizerDir)
    {
        Directory.CreateDirectory(tokenizerDir);
        File.WriteAllBytes(Path.Combine(tokenizerDir, TokenizerFiles.VocabFileName), VocabJson());
        File.WriteAllBytes(Path.Combine(tokenizerDir, TokenizerFiles.MergesFileName), MergesText());
    }

    private static WordVocabulary WithSpecialTokens(Dictionary<string, int> vocab, List<string> merges)
    {
        var complete = new Dictionary<string, int>(vocab, StringComparer.Ordinal);
        complete[ClipTokenizerSettings.StartOfText] = complete.Count;
        complete[ClipTokenizerSettings.EndOfText] = complete.Count;
        return new WordVocabulary(complete, [.. merges]);
    }

    private string SymbolOf(int id) => _vocab.First(entry => entry.Value == id).Key;

    private byte[] VocabJson() => JsonSerializer.SerializeToUtf8Bytes(_vocab);

    private byte[] MergesText() => new UTF8Encoding(false).GetBytes("#version: 0.2\n" + string.Concat(_merges.Select(m => m + "\n")));
}
