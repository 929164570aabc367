using System.Net;
using System.Text.Json;

namespace SdWeb.Tests.Web.Hardening;

/// <summary>Checks an HTTP answer's status and, when given, that its text (JSON problem details unescaped) names the message.</summary>
public static class HttpAnswer
{
    public static async Task AssertAsync(HttpResponseMessage response, HttpStatusCode status, string? message)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {status}, got {response.StatusCode}: {body}");
        if (message is not null) Assert.Contains(message, TextOf(body));
    }

    /// <summary>Every string in a JSON (problem details) answer, unescaped, so messages can be matched as written.</summary>
    private static string TextOf(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var texts = new List<string>();
            void Walk(JsonElement e)
            {
                switch (e.ValueKind)
                {
                    case JsonValueKind.String: texts.Add(e.GetString()!); break;
                    case JsonValueKind.Object: foreach (var p in e.EnumerateObject()) Walk(p.Value); break;
                    case JsonValueKind.Array: foreach (var item in e.EnumerateArray()) Walk(item); break;
                }
            }
            Walk(json.RootElement);
            return string.Join("\n", texts);
        }
        catch (JsonException)
        {
            return body;
        }
    }
}
