using System.Text.RegularExpressions;

namespace SdWeb.Engine.Prompts;

/// <summary>
/// AUTOMATIC1111's <c>extra_networks.parse_prompt</c>: <c>&lt;name:arg:…&gt;</c> tags (e.g. <c>&lt;lora:detail:0.8&gt;</c>)
/// are removed from the prompt before anything else, and their ':'-separated arguments collected per network type.
/// </summary>
internal static partial class ExtraNetworkTags
{
    [GeneratedRegex(@"<(\w+):([^>]+)>")]
    private static partial Regex Tag();

    public static (string PromptAfter, IReadOnlyDictionary<string, IReadOnlyList<IReadOnlyList<string>>> Networks) Parse(string prompt)
    {
        var networks = new Dictionary<string, List<IReadOnlyList<string>>>(StringComparer.Ordinal);
        var order = new List<string>();
        var after = Tag().Replace(prompt, m =>
        {
            var name = m.Groups[1].Value;
            if (!networks.TryGetValue(name, out var list))
            {
                networks[name] = list = [];
                order.Add(name);
            }
            list.Add(m.Groups[2].Value.Split(':'));
            return "";
        });
        return (after, order.ToDictionary(n => n, n => (IReadOnlyList<IReadOnlyList<string>>)networks[n], StringComparer.Ordinal));
    }
}
