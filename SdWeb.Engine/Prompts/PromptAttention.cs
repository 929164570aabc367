using System.Globalization;
using System.Text.RegularExpressions;

namespace SdWeb.Engine.Prompts;

/// <summary>
/// AUTOMATIC1111's <c>parse_prompt_attention</c>: <c>(x)</c> × 1.1, <c>[x]</c> ÷ 1.1, <c>(x:w)</c> × w, backslash escapes,
/// BREAK. Unbalanced brackets are handled as A1111 does (open ones apply to the end, stray closing ones are text).
/// </summary>
internal static partial class PromptAttention
{
    private const double RoundMultiplier = 1.1;
    private const double SquareMultiplier = 1 / 1.1;

    [GeneratedRegex(@"\\\(|\\\)|\\\[|\\]|\\\\|\\|\(|\[|:\s*([+-]?[.\d]+)\s*\)|\)|]|[^\\()\[\]:]+|:")]
    private static partial Regex Token();

    [GeneratedRegex(@"\s*\bBREAK\b\s*", RegexOptions.Singleline)]
    private static partial Regex Break();

    public static IReadOnlyList<WeightedText> Parse(string text)
    {
        // Mutable pairs as A1111 keeps them: bracket closings rescale everything appended since their opening.
        var res = new List<(string Text, double Weight)>();
        var round = new Stack<int>();
        var square = new Stack<int>();

        void MultiplyRange(int start, double multiplier)
        {
            for (int p = start; p < res.Count; p++) res[p] = (res[p].Text, res[p].Weight * multiplier);
        }

        foreach (Match m in Token().Matches(text))
        {
            var token = m.Value;
            double? weight = m.Groups[1].Success && double.TryParse(m.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var w)
                ? w : null;
            if (token.StartsWith('\\')) res.Add((token[1..], 1.0));
            else if (token == "(") round.Push(res.Count);
            else if (token == "[") square.Push(res.Count);
            else if (weight is { } explicitWeight && round.Count > 0) MultiplyRange(round.Pop(), explicitWeight);
            else if (token == ")" && round.Count > 0) MultiplyRange(round.Pop(), RoundMultiplier);
            else if (token == "]" && square.Count > 0) MultiplyRange(square.Pop(), SquareMultiplier);
            else
            {
                var parts = Break().Split(token);
                for (int i = 0; i < parts.Length; i++)
                {
                    if (i > 0) res.Add(("BREAK", -1));
                    res.Add((parts[i], 1.0));
                }
            }
        }

        // Python iterates the lists from the first opened bracket on.
        foreach (var position in round.Reverse()) MultiplyRange(position, RoundMultiplier);
        foreach (var position in square.Reverse()) MultiplyRange(position, SquareMultiplier);

        if (res.Count == 0) res.Add(("", 1.0));

        for (int i = 0; i + 1 < res.Count;)
        {
            if (res[i].Weight == res[i + 1].Weight)
            {
                res[i] = (res[i].Text + res[i + 1].Text, res[i].Weight);
                res.RemoveAt(i + 1);
            }
            else i++;
        }
        return res.Select(r => new WeightedText(r.Text, r.Weight)).ToList();
    }
}
