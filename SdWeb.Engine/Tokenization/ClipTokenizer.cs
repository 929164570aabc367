using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;
using SdWeb.Engine.Loading;

namespace SdWeb.Engine.Tokenization;

/// <summary>
/// CLIP's tokenizer (transformers' CLIPTokenizer with ftfy) on Microsoft.ML.Tokenizers' byte-level BPE:
/// text fixing and lower-casing (<see cref="ClipTextNormalizer"/>), CLIP's word regex, BPE with the "&lt;/w&gt;"
/// end-of-word suffix, then BOS + tokens + EOS, truncated and padded to <see cref="ClipTokenizerSettings.MaxLength"/>.
/// </summary>
public sealed partial class ClipTokenizer
{
    private readonly BpeTokenizer _bpe;
    private readonly int _bosId, _eosId, _padId;

    public ClipTokenizerSettings Settings { get; }

    private ClipTokenizer(BpeTokenizer bpe, ClipTokenizerSettings settings, Func<string, int> idOf)
    {
        _bpe = bpe;
        Settings = settings;
        _bosId = idOf(settings.BosToken);
        _eosId = idOf(settings.EosToken);
        _padId = idOf(settings.PadToken);
    }

    /// <summary>Loads a diffusers <c>tokenizer/</c> folder: vocab.json, merges.txt and, where present, the token configs.</summary>
    public static ClipTokenizer FromFolder(string folder)
    {
        var vocabPath = Path.Combine(folder, "vocab.json");
        var mergesPath = Path.Combine(folder, "merges.txt");
        foreach (var required in new[] { vocabPath, mergesPath })
        {
            if (!File.Exists(required))
                throw new ModelLoadException(
                    $"{required} not found. A CLIP tokenizer folder needs vocab.json and merges.txt (the model's tokenizer/ folder).");
        }

        var settings = ClipTokenizerSettings.FromFolder(folder);
        Dictionary<string, int> vocab;
        try
        {
            vocab = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(vocabPath))
                ?? throw new System.Text.Json.JsonException("the file holds null");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new ModelLoadException($"{vocabPath}: not a JSON object of token → id ({e.Message}). Replace it with the model's original file.", e);
        }

        int IdOf(string token) => vocab.TryGetValue(token, out var id) ? id
            : throw new ModelLoadException($"{vocabPath}: the special token \"{token}\" is not in the vocabulary. Check that the folder's files belong together.");

        var specialTokens = new Dictionary<string, int>
        {
            [settings.BosToken] = IdOf(settings.BosToken),
            [settings.EosToken] = IdOf(settings.EosToken),
        };
        var bpe = BpeTokenizer.Create(new BpeOptions(vocab)
        {
            Merges = ReadMerges(mergesPath),
            SpecialTokens = specialTokens,
            PreTokenizer = new RegexPreTokenizer(WordPattern(), specialTokens),
            Normalizer = ClipTextNormalizer.Instance,
            ByteLevel = true,
            EndOfWordSuffix = "</w>",
        });
        return new ClipTokenizer(bpe, settings, IdOf);
    }

    public ClipTokenization Tokenize(string prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var tokens = _bpe.EncodeToIds(prompt);
        int max = Settings.MaxLength;
        int kept = Math.Min(tokens.Count, max - 2);

        var ids = new int[max];
        var mask = new int[max];
        ids[0] = _bosId;
        for (int i = 0; i < kept; i++) ids[i + 1] = tokens[i];
        ids[kept + 1] = _eosId;
        Array.Fill(ids, _padId, kept + 2, max - kept - 2);
        Array.Fill(mask, 1, 0, kept + 2);

        return new ClipTokenization(ids, mask, [_bosId, .. tokens, _eosId]);
    }

    /// <summary>CLIP uses the first 49152-256-2 merges: its vocabulary is 256 bytes, their "&lt;/w&gt;" forms, one token per merge, BOS and EOS.</summary>
    private const int MergeCount = 49152 - 256 - 2;

    /// <summary>merges.txt: one "left right" pair per line after a "#version" header, as the BPE engine takes them.</summary>
    private static List<string> ReadMerges(string path) =>
        File.ReadLines(path).Where(line => line.Length > 0 && !line.StartsWith("#version", StringComparison.Ordinal))
            .Take(MergeCount).ToList();

    /// <summary>CLIP's word pattern (tokenization_clip.py), matched against the already lower-cased text.</summary>
    [GeneratedRegex(@"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+", RegexOptions.IgnoreCase)]
    private static partial Regex WordPattern();
}
