using System.Text;

namespace OpsConsole.Domain.Targets;

public enum SqlTokenKind { Word, QuotedIdentifier, String, Semicolon, Other }

/// <summary>A token of a script: words are lower-cased (SQL keywords are case-insensitive); strings carry their value.</summary>
public readonly record struct SqlToken(SqlTokenKind Kind, string Text);

/// <summary>
/// Splits SQL into statements of tokens the way PostgreSQL's lexer would, so that a keyword inside a string literal,
/// a quoted identifier, a dollar-quoted body or a comment is never taken for a statement. Plain '…' strings take
/// backslashes literally: the console forces standard_conforming_strings on in every target session, so the server
/// reads them the same way. Not a parser: it only needs to find where statements start and what they start with.
/// </summary>
public static class SqlTokenizer
{
    public static IReadOnlyList<IReadOnlyList<SqlToken>> Statements(string sql)
    {
        var statements = new List<IReadOnlyList<SqlToken>>();
        var current = new List<SqlToken>();
        foreach (var token in Tokens(sql))
        {
            if (token.Kind == SqlTokenKind.Semicolon)
            {
                if (current.Count > 0) statements.Add(current);
                current = [];
            }
            else
                current.Add(token);
        }
        if (current.Count > 0) statements.Add(current);
        return statements;
    }

    public static IEnumerable<SqlToken> Tokens(string sql)
    {
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (c == '-' && At(sql, i + 1) == '-') { i = LineEnd(sql, i); continue; }
            if (c == '/' && At(sql, i + 1) == '*') { i = BlockCommentEnd(sql, i); continue; }
            if (c == ';') { i++; yield return new SqlToken(SqlTokenKind.Semicolon, ";"); continue; }
            if (c == '\'') { yield return new SqlToken(SqlTokenKind.String, ReadQuoted(sql, ref i, '\'', backslashEscapes: false)); continue; }
            if (c == '"') { yield return new SqlToken(SqlTokenKind.QuotedIdentifier, ReadQuoted(sql, ref i, '"', backslashEscapes: false)); continue; }
            if (c == '$' && DollarTag(sql, i) is { } tag) { yield return new SqlToken(SqlTokenKind.String, ReadDollarQuoted(sql, ref i, tag)); continue; }
            if (IsIdentifierStart(c))
            {
                // A string prefix: E'…' (backslash escapes), B'…', X'…', N'…', U&'…' and U&"…".
                if (c is 'e' or 'E' && At(sql, i + 1) == '\'')
                {
                    i++;
                    yield return new SqlToken(SqlTokenKind.String, ReadQuoted(sql, ref i, '\'', backslashEscapes: true));
                    continue;
                }
                if (c is 'b' or 'B' or 'x' or 'X' or 'n' or 'N' && At(sql, i + 1) == '\'')
                {
                    i++;
                    yield return new SqlToken(SqlTokenKind.String, ReadQuoted(sql, ref i, '\'', backslashEscapes: false));
                    continue;
                }
                if (c is 'u' or 'U' && At(sql, i + 1) == '&' && At(sql, i + 2) is '\'' or '"')
                {
                    var quote = sql[i + 2];
                    i += 2;
                    var text = ReadQuoted(sql, ref i, quote, backslashEscapes: false);
                    yield return new SqlToken(quote == '"' ? SqlTokenKind.QuotedIdentifier : SqlTokenKind.String, text);
                    continue;
                }
                var start = i;
                while (i < sql.Length && IsIdentifierPart(sql[i])) i++;
                yield return new SqlToken(SqlTokenKind.Word, sql[start..i].ToLowerInvariant());
                continue;
            }
            if (char.IsAsciiDigit(c))
            {
                var start = i;
                while (i < sql.Length && (char.IsAsciiLetterOrDigit(sql[i]) || sql[i] is '.' or '_')) i++;
                yield return new SqlToken(SqlTokenKind.Other, sql[start..i]);
                continue;
            }
            i++;
            yield return new SqlToken(SqlTokenKind.Other, c.ToString());
        }
    }

    private static char? At(string sql, int i) => i < sql.Length ? sql[i] : null;

    private static bool IsIdentifierStart(char c) => char.IsAsciiLetter(c) || c == '_' || c >= '\u0080';

    private static bool IsIdentifierPart(char c) => IsIdentifierStart(c) || char.IsAsciiDigit(c) || c == '$';

    private static int LineEnd(string sql, int i)
    {
        var end = sql.IndexOfAny(['\n', '\r'], i);
        return end < 0 ? sql.Length : end;
    }

    /// <summary>PostgreSQL's block comments nest; an unterminated one runs to the end (the server refuses the script then).</summary>
    private static int BlockCommentEnd(string sql, int i)
    {
        var depth = 0;
        while (i < sql.Length)
        {
            if (sql[i] == '/' && At(sql, i + 1) == '*') { depth++; i += 2; }
            else if (sql[i] == '*' && At(sql, i + 1) == '/') { depth--; i += 2; if (depth == 0) return i; }
            else i++;
        }
        return i;
    }

    /// <summary>Reads '…' or "…" from the opening quote at <paramref name="i"/>; a doubled quote is one quote character.</summary>
    private static string ReadQuoted(string sql, ref int i, char quote, bool backslashEscapes)
    {
        var text = new StringBuilder();
        i++;
        while (i < sql.Length)
        {
            var c = sql[i];
            if (backslashEscapes && c == '\\' && i + 1 < sql.Length) { text.Append(sql[i + 1]); i += 2; continue; }
            if (c == quote)
            {
                if (At(sql, i + 1) == quote) { text.Append(quote); i += 2; continue; }
                i++;
                return text.ToString();
            }
            text.Append(c);
            i++;
        }
        return text.ToString();
    }

    /// <summary>The $tag$ that opens a dollar-quoted string at <paramref name="i"/>, or null for a parameter ($1) or other use of '$'.</summary>
    private static string? DollarTag(string sql, int i)
    {
        var j = i + 1;
        if (j < sql.Length && sql[j] == '$') return "$$";
        if (j >= sql.Length || !IsIdentifierStart(sql[j])) return null;
        while (j < sql.Length && IsIdentifierPart(sql[j]) && sql[j] != '$') j++;
        return j < sql.Length && sql[j] == '$' ? sql[i..(j + 1)] : null;
    }

    private static string ReadDollarQuoted(string sql, ref int i, string tag)
    {
        var start = i + tag.Length;
        var end = sql.IndexOf(tag, start, StringComparison.Ordinal);
        if (end < 0) { i = sql.Length; return sql[start..]; }
        i = end + tag.Length;
        return sql[start..end];
    }
}
