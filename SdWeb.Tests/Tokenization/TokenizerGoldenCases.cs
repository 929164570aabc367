using System.Text.Json;
using SdWeb.Tests.Support;

namespace SdWeb.Tests.Tokenization;

/// <summary>The cases of golden/tokenizer_cases.json (made with transformers' CLIPTokenizer and ftfy 6.1.1).</summary>
public sealed record TokenizerGoldenCase(
    string Prompt, int[] InputIds, int[] AttentionMask, int[] UntruncatedInputIds, string FtfyFixedText)
{
    private static readonly Lazy<IReadOnlyList<TokenizerGoldenCase>> Cases = new(Load);

    public static IReadOnlyList<TokenizerGoldenCase> All => Cases.Value;

    /// <summary>xunit member data: the index of every case (the prompt itself may not survive test-name serialisation).</summary>
    public static TheoryData<int> Indexes()
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < All.Count; i++) data.Add(i);
        return data;
    }

    public override string ToString() => JsonSerializer.Serialize(Prompt);

    private static IReadOnlyList<TokenizerGoldenCase> Load()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Golden.PathOf("tokenizer_cases.json")));
        return doc.RootElement.GetProperty("cases").EnumerateArray().Select(c => new TokenizerGoldenCase(
            c.GetProperty("prompt").GetString()!,
            Ints(c.GetProperty("input_ids")),
            Ints(c.GetProperty("attention_mask")),
            Ints(c.GetProperty("untruncated_input_ids")),
            c.GetProperty("ftfy_fixed_text").GetString()!)).ToList();
    }

    private static int[] Ints(JsonElement array) => array.EnumerateArray().Select(e => e.GetInt32()).ToArray();
}
