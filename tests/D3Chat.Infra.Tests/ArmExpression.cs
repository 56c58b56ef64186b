using System.Globalization;
using System.Text;

namespace D3Chat.Infra.Tests;

/// <summary>A parsed ARM template expression (the text between <c>[</c> and <c>]</c>).</summary>
internal abstract record ArmNode(string Text);

internal sealed record ArmString(string Value, string Text) : ArmNode(Text);

internal sealed record ArmNumber(string Text) : ArmNode(Text);

internal sealed record ArmCall(string Name, IReadOnlyList<ArmNode> Arguments, string Text) : ArmNode(Text);

internal sealed record ArmMember(ArmNode Target, string Name, string Text) : ArmNode(Text);

internal sealed record ArmIndex(ArmNode Target, ArmNode Index, string Text) : ArmNode(Text);

/// <summary>
/// Parser for the ARM expression language as Bicep emits it: function calls, single-quoted
/// strings (<c>''</c> escapes a quote), numbers, <c>.member</c> and <c>[index]</c> access.
/// </summary>
internal static class ArmExpression
{
    /// <summary>True when a template string is an expression (<c>[...]</c> but not the <c>[[</c> escape).</summary>
    public static bool IsExpression(string value) =>
        value.Length >= 2 && value[0] == '[' && value[^1] == ']' && value[1] != '[';

    public static ArmNode Parse(string value)
    {
        if (!IsExpression(value))
        {
            throw new FormatException($"Not an ARM expression: {value}");
        }
        var parser = new Parser(value[1..^1]);
        var node = parser.ParseExpression();
        parser.SkipSpace();
        if (!parser.AtEnd)
        {
            throw new FormatException($"Unexpected text at {parser.Position} in: {value}");
        }
        return node;
    }

    private sealed class Parser(string text)
    {
        private int _pos;

        public bool AtEnd => _pos >= text.Length;

        public int Position => _pos;

        public void SkipSpace()
        {
            while (!AtEnd && char.IsWhiteSpace(text[_pos]))
            {
                _pos++;
            }
        }

        public ArmNode ParseExpression()
        {
            SkipSpace();
            var start = _pos;
            var node = ParsePrimary();
            while (true)
            {
                SkipSpace();
                if (!AtEnd && text[_pos] == '.')
                {
                    _pos++;
                    var name = ReadIdentifier();
                    node = new ArmMember(node, name, text[start.._pos]);
                }
                else if (!AtEnd && text[_pos] == '[')
                {
                    _pos++;
                    var index = ParseExpression();
                    Expect(']');
                    node = new ArmIndex(node, index, text[start.._pos]);
                }
                else
                {
                    return node;
                }
            }
        }

        private ArmNode ParsePrimary()
        {
            SkipSpace();
            if (AtEnd)
            {
                throw new FormatException($"Unexpected end of expression: {text}");
            }
            var start = _pos;
            var c = text[_pos];
            if (c == '\'')
            {
                return ReadString();
            }
            if (char.IsDigit(c) || c == '-')
            {
                _pos++;
                while (!AtEnd && (char.IsDigit(text[_pos]) || text[_pos] == '.'))
                {
                    _pos++;
                }
                return new ArmNumber(text[start.._pos]);
            }
            var name = ReadIdentifier();
            Expect('(');
            var arguments = new List<ArmNode>();
            SkipSpace();
            if (!AtEnd && text[_pos] == ')')
            {
                _pos++;
                return new ArmCall(name, arguments, text[start.._pos]);
            }
            while (true)
            {
                arguments.Add(ParseExpression());
                SkipSpace();
                if (!AtEnd && text[_pos] == ',')
                {
                    _pos++;
                    continue;
                }
                Expect(')');
                return new ArmCall(name, arguments, text[start.._pos]);
            }
        }

        private ArmString ReadString()
        {
            var start = _pos;
            _pos++;
            var value = new StringBuilder();
            while (true)
            {
                if (AtEnd)
                {
                    throw new FormatException($"Unterminated string in: {text}");
                }
                var c = text[_pos++];
                if (c != '\'')
                {
                    value.Append(c);
                }
                else if (!AtEnd && text[_pos] == '\'')
                {
                    value.Append('\'');
                    _pos++;
                }
                else
                {
                    return new ArmString(value.ToString(), text[start.._pos]);
                }
            }
        }

        private string ReadIdentifier()
        {
            SkipSpace();
            var start = _pos;
            while (!AtEnd && (char.IsLetterOrDigit(text[_pos]) || text[_pos] is '_' or '$' or '#'))
            {
                _pos++;
            }
            // Namespaced user-defined functions: __bicep.name(...)
            if (!AtEnd && text[_pos] == '.' && _pos + 1 < text.Length && char.IsLetter(text[_pos + 1]) && LooksLikeNamespace(start))
            {
                _pos++;
                while (!AtEnd && (char.IsLetterOrDigit(text[_pos]) || text[_pos] == '_'))
                {
                    _pos++;
                }
            }
            if (start == _pos)
            {
                throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"Identifier expected at {_pos} in: {text}"));
            }
            return text[start.._pos];
        }

        private bool LooksLikeNamespace(int start) => text.AsSpan(start).StartsWith("__bicep", StringComparison.Ordinal);

        private void Expect(char c)
        {
            SkipSpace();
            if (AtEnd || text[_pos] != c)
            {
                throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"'{c}' expected at {_pos} in: {text}"));
            }
            _pos++;
        }
    }
}
