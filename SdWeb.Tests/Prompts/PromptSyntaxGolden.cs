using System.Text.Json.Nodes;
using SdWeb.Engine.Loading.SafeTensors;
using SdWeb.Engine.Prompts;
using SdWeb.Engine.Tokenization;
using SdWeb.Tests.Support;

namespace SdWeb.Tests.Prompts;

/// <summary>features/prompt_syntax.json (AUTOMATIC1111's own prompt code) and what the tests need beside it.</summary>
internal static class PromptSyntaxGolden
{
    private static readonly Lazy<JsonObject> Document = new(() =>
        JsonNode.Parse(File.ReadAllText(Golden.PathOf("features", "prompt_syntax.json")))!.AsObject());

    public static IEnumerable<object[]> PromptIds() =>
        Document.Value["prompts"]!.AsArray().Select(p => new object[] { p!["id"]!.GetValue<string>() });

    public static JsonObject Entry(string id) =>
        Document.Value["prompts"]!.AsArray().Single(p => p!["id"]!.GetValue<string>() == id)!.AsObject();

    public static ClipTokenizer Tokenizer { get; } = ClipTokenizer.FromFolder(Golden.PathOf("tiny-sd", "tokenizer"));

    /// <summary>embeddings/tiny-style.safetensors read directly: {"emb_params": [2, 32]}, trigger = the file name.</summary>
    public static TextualInversionEmbedding TinyStyle()
    {
        using var file = SafeTensorsFile.Open(Golden.PathOf("features", "embeddings", "tiny-style.safetensors"));
        return new TextualInversionEmbedding("tiny-style", file.Read("emb_params"), "");
    }

    /// <summary>Asserts every value of <paramref name="actual"/> equals the golden's at the same place (numbers to 1e-9).</summary>
    public static void AssertMatches(JsonNode? expected, JsonNode? actual, string path)
    {
        switch (actual)
        {
            case JsonObject obj:
                var expectedObject = Assert.IsType<JsonObject>(expected);
                foreach (var (key, value) in obj)
                {
                    Assert.True(expectedObject.ContainsKey(key), $"{path}.{key}: not in the golden entry");
                    AssertMatches(expectedObject[key], value, $"{path}.{key}");
                }
                break;
            case JsonArray array:
                var expectedArray = Assert.IsType<JsonArray>(expected);
                Assert.True(expectedArray.Count == array.Count,
                    $"{path}: {array.Count} items, expected {expectedArray.Count}: {array.ToJsonString()[..Math.Min(300, array.ToJsonString().Length)]}");
                for (int i = 0; i < array.Count; i++) AssertMatches(expectedArray[i], array[i], $"{path}[{i}]");
                break;
            case JsonValue value when value.TryGetValue<string>(out var text):
                Assert.True(expected?.GetValue<string>() == text, $"{path}: \"{text}\", expected \"{expected}\"");
                break;
            case JsonValue value:
                double a = Number(value), e = Number(expected!);
                Assert.True(Math.Abs(a - e) <= 1e-9, $"{path}: {a:R}, expected {e:R}");
                break;
            default:
                Assert.Null(expected);
                break;
        }
    }

    private static double Number(JsonNode node) => double.Parse(node.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture);
}
