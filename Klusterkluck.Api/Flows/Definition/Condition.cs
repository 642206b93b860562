using System.Globalization;
using System.Text.Json;

namespace Klusterkluck.Api.Flows;

/// <summary>
/// An if node's condition: JSONPath-style paths into the payload (<c>$</c>, <c>$.a.b</c>,
/// <c>$.items[0]</c>, <c>$['odd key']</c>) compared with literals (numbers, 'strings' or "strings",
/// true, false, null) by <c>== != &lt; &lt;= &gt; &gt;=</c>, combined with <c>&amp;&amp; || !</c> and
/// parentheses. A path alone tests truthiness (not missing, null, false, 0 or ""). A missing path
/// is null; ordering compares numbers with numbers and strings with strings, anything else is false.
/// A payload that is not JSON is one JSON string: its text.
/// </summary>
public sealed class Condition
{
    /// <summary>Longer conditions are refused: evaluation must stay cheap and shallow.</summary>
    public const int MaxLength = 2048;

    /// <summary>How deep parentheses and ! may nest: the parser and the evaluator recurse once per level.</summary>
    public const int MaxDepth = 32;

    private readonly Func<JsonElement, object?> _evaluate;

    private Condition(Func<JsonElement, object?> evaluate) => _evaluate = evaluate;

    /// <summary>The condition, or null and why it does not parse.</summary>
    public static Condition? TryParse(string text, out string? error)
    {
        if (text.Length > MaxLength)
        {
            error = $"a condition is at most {MaxLength} characters";
            return null;
        }
        try
        {
            var parser = new Parser(text);
            var evaluate = parser.ParseAll();
            error = null;
            return new Condition(evaluate);
        }
        catch (FormatException e)
        {
            error = e.Message;
            return null;
        }
    }

    public bool IsTrue(JsonElement payload) => Truthy(_evaluate(payload));

    public bool IsTrue(ReadOnlySpan<byte> payload)
    {
        try
        {
            using var document = JsonDocument.Parse(payload.ToArray());
            return IsTrue(document.RootElement);
        }
        catch (JsonException)
        {
            return IsTrue(JsonSerializer.SerializeToElement(System.Text.Encoding.UTF8.GetString(payload)));
        }
    }

    private static bool Truthy(object? value) => value switch
    {
        null => false,
        bool b => b,
        double d => d != 0,
        string s => s.Length > 0,
        _ => true,
    };

    /// <summary>A JSON value as the evaluator compares it: null, bool, double, string, or the element (object, array).</summary>
    private static object? Plain(JsonElement? element) => element?.ValueKind switch
    {
        null or JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number => element.Value.GetDouble(),
        JsonValueKind.String => element.Value.GetString(),
        _ => element.Value,
    };

    private static bool Equal(object? a, object? b) => (a, b) switch
    {
        (null, null) => true,
        (double x, double y) => x == y,
        (string x, string y) => string.Equals(x, y, StringComparison.Ordinal),
        (bool x, bool y) => x == y,
        (JsonElement x, JsonElement y) => x.GetRawText() == y.GetRawText(),
        _ => false,
    };

    private static int? Order(object? a, object? b) => (a, b) switch
    {
        (double x, double y) => x.CompareTo(y),
        (string x, string y) => string.CompareOrdinal(x, y),
        _ => null,
    };

    /// <summary>Recursive descent over the grammar in the class comment.</summary>
    private sealed class Parser(string text)
    {
        private int _at;
        private int _depth;

        public Func<JsonElement, object?> ParseAll()
        {
            var expression = Or();
            Skip();
            if (_at < text.Length)
            {
                throw Error($"unexpected '{text[_at]}'");
            }
            return expression;
        }

        // A chain of || or && is a list evaluated in a loop, not closures nested once per operator.
        private Func<JsonElement, object?> Or()
        {
            var terms = new List<Func<JsonElement, object?>> { And() };
            while (Take("||"))
            {
                terms.Add(And());
            }
            return terms.Count == 1 ? terms[0] : p => terms.Any(t => Truthy(t(p)));
        }

        private Func<JsonElement, object?> And()
        {
            var terms = new List<Func<JsonElement, object?>> { Unary() };
            while (Take("&&"))
            {
                terms.Add(Unary());
            }
            return terms.Count == 1 ? terms[0] : p => terms.All(t => Truthy(t(p)));
        }

        private Func<JsonElement, object?> Unary()
        {
            if (!Peek("!=") && Take("!"))
            {
                Enter();
                var operand = Unary();
                _depth--;
                return p => !Truthy(operand(p));
            }
            return Comparison();
        }

        private void Enter()
        {
            if (++_depth > MaxDepth)
            {
                throw Error($"parentheses and ! nest at most {MaxDepth} deep");
            }
        }

        private Func<JsonElement, object?> Comparison()
        {
            var left = Operand();
            foreach (var op in (string[])["==", "!=", "<=", ">=", "<", ">"])
            {
                if (Take(op))
                {
                    var right = Operand();
                    return op switch
                    {
                        "==" => p => Equal(left(p), right(p)),
                        "!=" => p => !Equal(left(p), right(p)),
                        "<" => p => Order(left(p), right(p)) < 0,
                        "<=" => p => Order(left(p), right(p)) <= 0,
                        ">" => p => Order(left(p), right(p)) > 0,
                        _ => p => Order(left(p), right(p)) >= 0,
                    };
                }
            }
            return left;
        }

        private Func<JsonElement, object?> Operand()
        {
            Skip();
            if (_at >= text.Length)
            {
                throw Error("a value or a path is missing at the end");
            }
            var c = text[_at];
            if (c == '(')
            {
                _at++;
                Enter();
                var inner = Or();
                if (!Take(")"))
                {
                    throw Error("')' expected");
                }
                _depth--;
                return inner;
            }
            if (c == '$')
            {
                _at++;
                return Path();
            }
            if (c is '\'' or '"')
            {
                var s = QuotedString();
                return _ => s;
            }
            if (c is '-' or '.' || char.IsAsciiDigit(c))
            {
                var n = Number();
                return _ => n;
            }
            var word = Word();
            return word switch
            {
                "true" => _ => true,
                "false" => _ => false,
                "null" => _ => null,
                "" => throw Error($"unexpected '{c}'"),
                _ => throw Error($"unknown word '{word}' (paths start with $, strings are quoted)"),
            };
        }

        private Func<JsonElement, object?> Path()
        {
            var steps = new List<object>();
            while (_at < text.Length)
            {
                if (text[_at] == '.')
                {
                    _at++;
                    var name = Word();
                    if (name.Length == 0)
                    {
                        throw Error("a property name is expected after '.'");
                    }
                    steps.Add(name);
                }
                else if (text[_at] == '[')
                {
                    _at++;
                    Skip();
                    steps.Add(_at < text.Length && text[_at] is '\'' or '"' ? QuotedString() : (object)Index());
                    if (!Take("]"))
                    {
                        throw Error("']' expected");
                    }
                }
                else
                {
                    break;
                }
            }
            return payload =>
            {
                JsonElement? current = payload;
                foreach (var step in steps)
                {
                    current = (current, step) switch
                    {
                        ({ ValueKind: JsonValueKind.Object } e, string name) when e.TryGetProperty(name, out var child) => child,
                        ({ ValueKind: JsonValueKind.Array } e, int index) when index < e.GetArrayLength() => e[index],
                        _ => null,
                    };
                    if (current is null)
                    {
                        return null;
                    }
                }
                return Plain(current);
            };
        }

        private int Index()
        {
            var start = _at;
            while (_at < text.Length && char.IsAsciiDigit(text[_at]))
            {
                _at++;
            }
            return int.TryParse(text.AsSpan(start, _at - start), NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                ? index
                : throw Error("an array index (0, 1, ...) or a quoted name is expected in [ ]");
        }

        private double Number()
        {
            var start = _at;
            while (_at < text.Length && (char.IsAsciiDigit(text[_at]) || text[_at] is '-' or '+' or '.' or 'e' or 'E'))
            {
                _at++;
            }
            return double.TryParse(text.AsSpan(start, _at - start), NumberStyles.Float, CultureInfo.InvariantCulture, out var n)
                ? n
                : throw Error($"'{text[start.._at]}' is not a number");
        }

        private string QuotedString()
        {
            var quote = text[_at++];
            var start = _at;
            while (_at < text.Length && text[_at] != quote)
            {
                _at++;
            }
            if (_at >= text.Length)
            {
                throw Error("a string is not closed");
            }
            return text[start.._at++];
        }

        private string Word()
        {
            var start = _at;
            while (_at < text.Length && (char.IsAsciiLetterOrDigit(text[_at]) || text[_at] is '_' or '-'))
            {
                _at++;
            }
            return text[start.._at];
        }

        private void Skip()
        {
            while (_at < text.Length && char.IsWhiteSpace(text[_at]))
            {
                _at++;
            }
        }

        private bool Peek(string token)
        {
            Skip();
            return string.CompareOrdinal(text, _at, token, 0, token.Length) == 0;
        }

        private bool Take(string token)
        {
            if (!Peek(token))
            {
                return false;
            }
            _at += token.Length;
            return true;
        }

        private FormatException Error(string message) => new($"{message} (at character {_at + 1})");
    }
}
