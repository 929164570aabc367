using System.Text.Json;
using SdWeb.Engine.Tokenization;
using SdWeb.Tests.Support;

namespace SdWeb.Tests.Tokenization;

/// <summary>
/// Generated strings (many scripts, emoji, letters and digits outside the BMP, odd word shapes) against
/// Data/clip_bpe_reference.json, made by Data/make_clip_bpe_reference.py: transformers' CLIPTokenizer word splitting and
/// BPE restated in Python with the `regex` module. It guards the places where .NET and Python differ (UTF-16 regex
/// matching, lower-casing) and Microsoft.ML.Tokenizers' BPE against CLIP's own merge loop.
/// </summary>
[Layer(Layer.Engine)]
public class ClipBpeReferenceTests
{
    [Fact]
    public void MatchesTheReferenceForEveryGeneratedString()
    {
        var path = Path.Combine(Golden.RepoRoot, "SdWeb.Tests", "Tokenization", "Data", "clip_bpe_reference.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var tokenizer = ClipTokenizer.FromFolder(Golden.PathOf("tiny-sd", "tokenizer"));

        var failures = new List<string>();
        var cases = doc.RootElement.GetProperty("cases").EnumerateArray().ToList();
        foreach (var c in cases)
        {
            var prompt = c.GetProperty("prompt").GetString()!;
            var expected = c.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            // The reference does not run ftfy; the strings are chosen so that it would change nothing.
            if (TextFixer.Fix(prompt) != prompt) failures.Add($"{JsonSerializer.Serialize(prompt)}: TextFixer changed it");
            var actual = tokenizer.Tokenize(prompt).UntruncatedIds;
            if (!expected.SequenceEqual(actual))
                failures.Add($"{JsonSerializer.Serialize(prompt)}: expected [{string.Join(",", expected)}], got [{string.Join(",", actual)}]");
        }
        Assert.True(cases.Count > 200, "the reference file lost its cases");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}
