namespace SdWeb.Engine.Prompts;

/// <summary>
/// A parser giving the trees A1111's lark grammar (modules/prompt_parser.py, Earley) gives:
/// <code>
/// start: (prompt | /[][():]/+)*
/// prompt: (emphasized | scheduled | alternate | plain | WHITESPACE)*
/// emphasized: "(" prompt ")" | "(" prompt ":" prompt ")" | "[" prompt "]"
/// scheduled: "[" [prompt ":"] prompt ":" [WHITESPACE] NUMBER [WHITESPACE] "]"
/// alternate: "[" prompt ("|" [prompt])+ "]"
/// plain: /([^\\\[\]():|]|\\.)+/
/// </code>
/// Inside a bracket everything must parse; at the top level a bracket that does not is kept as text (and the
/// constructs inside it still count), as lark resolves the ambiguity. A <c>|</c> outside brackets or a trailing lone
/// backslash makes the whole prompt unparseable: <see cref="Parse"/> returns null and A1111 uses the text as is
/// (as for brackets nested deeper than <see cref="MaxDepth"/>).
/// </summary>
internal sealed class ScheduleGrammar
{
    private readonly string _s;
    /// <summary>Deeper bracket nesting is not parsed (the text is used as is) rather than overflowing the stack.</summary>
    private const int MaxDepth = 256;

    private readonly Dictionary<int, (List<ScheduleNode> Nodes, int End)?> _constructs = [];
    private int _depth;
    private bool _tooDeep;

    private ScheduleGrammar(string s) => _s = s;

    public static IReadOnlyList<ScheduleNode>? Parse(string prompt) => new ScheduleGrammar(prompt).ParseStart();

    private List<ScheduleNode>? ParseStart()
    {
        var nodes = new List<ScheduleNode>();
        int pos = 0;
        while (pos < _s.Length)
        {
            pos = ParsePrompt(pos, nodes);
            if (pos >= _s.Length) break;
            char c = _s[pos];
            if (c is '|' or '\\') return null;
            nodes.Add(new LiteralNode(c.ToString())); // a bracket or colon that is not part of a construct
            pos++;
        }
        return _tooDeep ? null : nodes;
    }

    /// <summary>The longest prompt from <paramref name="pos"/>; returns where it stops (a char it cannot take).</summary>
    private int ParsePrompt(int pos, List<ScheduleNode> into)
    {
        while (pos < _s.Length)
        {
            char c = _s[pos];
            if (c is '(' or '[')
            {
                if (ParseConstruct(pos) is not { } construct) return pos;
                into.AddRange(construct.Nodes);
                pos = construct.End;
                continue;
            }
            int start = pos;
            for (int length; (length = PlainLength(pos)) > 0;) pos += length;
            if (pos == start) return pos;
            into.Add(new LiteralNode(_s[start..pos]));
        }
        return pos;
    }

    /// <summary>Chars of one plain unit at <paramref name="pos"/>: 1 for a plain char, 2 for an escape (backslash + any
    /// char but a newline, as the regex's '.'), 0 for none.</summary>
    private int PlainLength(int pos)
    {
        if (pos >= _s.Length) return 0;
        return _s[pos] switch
        {
            '[' or ']' or '(' or ')' or ':' or '|' => 0,
            '\\' => pos + 1 < _s.Length && _s[pos + 1] != '\n' ? 2 : 0,
            _ => 1,
        };
    }

    private (List<ScheduleNode> Nodes, int End)? ParseConstruct(int pos)
    {
        if (_constructs.TryGetValue(pos, out var known)) return known;
        if (_depth >= MaxDepth)
        {
            _tooDeep = true;
            return null;
        }
        _depth++;
        var result = _s[pos] == '(' ? ParseRound(pos) : ParseSquare(pos);
        _depth--;
        _constructs[pos] = result;
        return result;
    }

    private (List<ScheduleNode>, int)? ParseRound(int pos)
    {
        var nodes = new List<ScheduleNode> { new LiteralNode("(") };
        int p = ParsePrompt(pos + 1, nodes);
        if (At(p, ':'))
        {
            nodes.Add(new LiteralNode(":"));
            p = ParsePrompt(p + 1, nodes);
        }
        if (!At(p, ')')) return null;
        nodes.Add(new LiteralNode(")"));
        return (nodes, p + 1);
    }

    private (List<ScheduleNode>, int)? ParseSquare(int pos)
    {
        var first = new List<ScheduleNode>();
        int p = ParsePrompt(pos + 1, first);
        if (At(p, ']')) return ([new LiteralNode("["), .. first, new LiteralNode("]")], p + 1);
        if (At(p, '|'))
        {
            var options = new List<IReadOnlyList<ScheduleNode>> { first };
            while (At(p, '|'))
            {
                var option = new List<ScheduleNode>();
                p = ParsePrompt(p + 1, option);
                options.Add(option);
            }
            return At(p, ']') ? ([new AlternationNode(options)], p + 1) : null;
        }
        if (!At(p, ':')) return null;
        if (ParseWhen(p + 1) is { } onlyAfter) return ([new EditNode(null, first, onlyAfter.Number)], onlyAfter.End);
        var after = new List<ScheduleNode>();
        p = ParsePrompt(p + 1, after);
        if (!At(p, ':')) return null;
        return ParseWhen(p + 1) is { } when ? ([new EditNode(first, after, when.Number)], when.End) : null;
    }

    /// <summary><c>[WHITESPACE] NUMBER [WHITESPACE] "]"</c>; End is after the bracket.</summary>
    private (string Number, int End)? ParseWhen(int pos)
    {
        int p = SkipWhitespace(pos);
        int start = p;
        p = ScanSignedNumber(p);
        if (p == start) return null;
        var number = _s[start..p];
        p = SkipWhitespace(p);
        return At(p, ']') ? (number, p + 1) : null;
    }

    private int SkipWhitespace(int p)
    {
        while (p < _s.Length && char.IsWhiteSpace(_s[p])) p++;
        return p;
    }

    /// <summary>lark's SIGNED_NUMBER, matched greedily: [+-] (FLOAT | INT), FLOAT tried first.</summary>
    private int ScanSignedNumber(int p)
    {
        int start = p;
        if (p < _s.Length && _s[p] is '+' or '-') p++;
        int digitsStart = p;
        int intEnd = Digits(p);
        int afterMantissa = -1;
        if (At(intEnd, '.'))
        {
            int fractionEnd = Digits(intEnd + 1);
            if (intEnd > digitsStart || fractionEnd > intEnd + 1) afterMantissa = fractionEnd;
        }
        if (afterMantissa >= 0) return Exponent(afterMantissa) ?? afterMantissa;
        if (intEnd == digitsStart) return start;
        return Exponent(intEnd) ?? intEnd;
    }

    private int? Exponent(int p)
    {
        if (!(At(p, 'e') || At(p, 'E'))) return null;
        int q = p + 1;
        if (q < _s.Length && _s[q] is '+' or '-') q++;
        int end = Digits(q);
        return end > q ? end : null;
    }

    private int Digits(int p)
    {
        while (p < _s.Length && _s[p] is >= '0' and <= '9') p++;
        return p;
    }

    private bool At(int p, char c) => p < _s.Length && _s[p] == c;
}
