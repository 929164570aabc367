using System.Text.Json;
using Microsoft.ML.Tokenizers;
using SdWeb.Engine.Loading;

namespace SdWeb.Engine.Tokenization;

/// <summary>
/// CLIP's tokenizer (transformers' CLIPTokenizer with ftfy) on Microsoft.ML.Tokenizers' byte-level BPE:
/// text fixing and lower-casing (<see cref="ClipTextNormalizer"/>), CLIP's word regex, BPE with the "&lt;/w&gt;"
/// end-of-word suffix, then BOS + tokens + EOS, truncated and padded to <see cref="ClipTokenizerSettings.MaxLength"/>.
/// </summary>
internal sealed class ClipTokenizer
{
    private readonly BpeTokenizer _bpe;
    private readonly int _bosId, _eosId, _padId;
    private readonly Lazy<Dictionary<int, string>> _symbolsOfId;
    private readonly Dictionary<string, int> _vocab;

    public ClipTokenizerSettings Settings { get; }

    private ClipTokenizer(BpeTokenizer bpe, ClipTokenizerSettings settings, Func<string, int> idOf, Dictionary<string, int> vocab)
    {
        _bpe = bpe;
        _vocab = vocab;
        _symbolsOfId = new(() => vocab.GroupBy(entry => entry.Value).ToDictionary(g => g.Key, g => g.First().Key));
        Settings = settings;
        _bosId = idOf(settings.BosToken);
        _eosId = idOf(settings.EosToken);
        _padId = idOf(settings.PadToken);
    }

    /// <summary>Loads a diffusers <c>tokenizer/</c> folder: vocab.json, merges.txt and, where present, the token configs.</summary>
    public static ClipTokenizer FromFolder(string folder) =>
        FromFiles(TokenizerFiles.FromFolder(folder), ClipTokenizerSettings.FromFolder(folder));

    /// <summary>
    /// The tokenizer of an opened model: a diffusers folder's own tokenizer/ (with its token configs), or for a single-file
    /// checkpoint, which carries none, the standard CLIP files with SD v1's settings.
    /// </summary>
    public static ClipTokenizer FromModel(ModelSource model) => model.Format == ModelFormat.DiffusersFolder
        ? FromFiles(model.Tokenizer, ClipTokenizerSettings.FromFolder(Path.Combine(model.Path, "tokenizer")))
        : FromFiles(model.Tokenizer, new ClipTokenizerSettings());

    /// <summary>
    /// Builds the tokenizer from a model's vocabulary and merges (a folder's, or the built-in standard CLIP files a
    /// single-file checkpoint uses) with the given special tokens and length.
    /// </summary>
    public static ClipTokenizer FromFiles(TokenizerFiles files, ClipTokenizerSettings settings)
    {
        var vocab = ReadVocabulary(files);
        int IdOf(string token) => vocab.TryGetValue(token, out var id) ? id
            : throw new ModelLoadException(
                $"{files.Description}: the special token \"{token}\" is not in the vocabulary. Check that the tokenizer files belong together.");

        var specialTokens = new Dictionary<string, int>
        {
            [settings.BosToken] = IdOf(settings.BosToken),
            [settings.EosToken] = IdOf(settings.EosToken),
        };
        var bpe = BpeTokenizer.Create(new BpeOptions(vocab)
        {
            Merges = ReadMerges(files),
            SpecialTokens = specialTokens,
            PreTokenizer = new RegexPreTokenizer(ClipWordPattern.Regex, specialTokens),
            Normalizer = ClipTextNormalizer.Instance,
            ByteLevel = true,
            EndOfWordSuffix = "</w>",
        });
        return new ClipTokenizer(bpe, settings, IdOf, vocab);
    }

    /// <summary>The start-of-text marker's id in this vocabulary (49406 in CLIP's).</summary>
    public int BosId => _bosId;

    /// <summary>The end-of-text marker's id in this vocabulary (49407 in CLIP's).</summary>
    public int EosId => _eosId;

    /// <summary>The id of a vocabulary entry (such as ",&lt;/w&gt;"), or null where this vocabulary has none.</summary>
    public int? IdOf(string symbol) => _vocab.TryGetValue(symbol, out var id) ? id : null;

    /// <summary>Token ids of a text without BOS/EOS and without truncation (A1111 tokenizes prompt runs this way).</summary>
    public IReadOnlyList<int> TokenIds(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return _bpe.EncodeToIds(text);
    }

    public ClipTokenization Tokenize(string prompt) => Tokenize(prompt, []);

    /// <summary>The text of token ids as transformers' CLIPTokenizer decodes it: lower case, words separated by spaces.</summary>
    public string Decode(IEnumerable<int> ids) =>
        ClipByteLevel.Decode(string.Concat(ids.Select(id => _symbolsOfId.Value.GetValueOrDefault(id, ""))))
            .Replace("</w>", " ", StringComparison.Ordinal).Trim();

    /// <summary>
    /// As transformers tokenizes with added tokens: the raw text is split at each trigger (the earliest match first, the
    /// longest at one position), the pieces between are tokenized as usual, and each trigger becomes all its ids.
    /// </summary>
    internal ClipTokenization Tokenize(string prompt, IReadOnlyList<TriggerTokens> triggers)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var tokens = new List<int>();
        int start = 0;
        while (NextTrigger(prompt, start, triggers) is var (at, trigger) && trigger is not null)
        {
            tokens.AddRange(_bpe.EncodeToIds(prompt[start..at]));
            tokens.AddRange(Enumerable.Range(trigger.FirstId, trigger.Count));
            start = at + trigger.Trigger.Length;
        }
        tokens.AddRange(_bpe.EncodeToIds(prompt[start..]));
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

    private static (int At, TriggerTokens? Trigger) NextTrigger(string prompt, int start, IReadOnlyList<TriggerTokens> triggers)
    {
        (int At, TriggerTokens? Trigger) next = (prompt.Length, null);
        foreach (var trigger in triggers)
        {
            int at = trigger.Trigger.Length == 0 ? -1 : prompt.IndexOf(trigger.Trigger, start, StringComparison.Ordinal);
            if (at < 0) continue;
            if (at < next.At || (at == next.At && trigger.Trigger.Length > next.Trigger!.Trigger.Length)) next = (at, trigger);
        }
        return next;
    }

    /// <summary>CLIP uses the first 49152-256-2 merges: its vocabulary is 256 bytes, their "&lt;/w&gt;" forms, one token per merge, BOS and EOS.</summary>
    private const int MergeCount = 49152 - 256 - 2;

    private static Dictionary<string, int> ReadVocabulary(TokenizerFiles files)
    {
        try
        {
            using var stream = files.OpenVocab();
            return JsonSerializer.Deserialize<Dictionary<string, int>>(stream) ?? throw new JsonException("the file holds null");
        }
        catch (JsonException e)
        {
            throw new ModelLoadException(
                $"{files.Description}: {TokenizerFiles.VocabFileName} is not a JSON object of token → id ({e.Message}). " +
                "Replace it with the model's original file.", e);
        }
    }

    /// <summary>merges.txt: one "left right" pair per line after a "#version" header, as the BPE engine takes them.</summary>
    private static List<string> ReadMerges(TokenizerFiles files)
    {
        using var reader = new StreamReader(files.OpenMerges());
        var merges = new List<string>(MergeCount);
        while (merges.Count < MergeCount && reader.ReadLine() is { } line)
        {
            if (line.Length > 0 && !line.StartsWith("#version", StringComparison.Ordinal)) merges.Add(line);
        }
        return merges;
    }
}
