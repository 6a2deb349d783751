namespace OpsConsole.Domain;

/// <summary>
/// What text may hold. PostgreSQL refuses NUL in text (and a lone UTF-16 surrogate has no UTF-8 form), so such input is
/// refused where it arrives, naming the field, instead of failing as a 500 in the store. Other control characters are
/// refused as well: nobody types them, and in names, logs and CSV exports they hide or fake content. Multi-line fields
/// (scripts, descriptions, reasons) keep tab and line breaks.
/// </summary>
public static class TextRules
{
    /// <summary>Null when the text is acceptable; otherwise what is wrong with it, in words for the user.</summary>
    public static string? Problem(ReadOnlySpan<char> text, bool multiLine)
    {
        // The common case in one vectorized pass each: no C0/C1 control character, no surrogate at all.
        if (text.IndexOfAnyInRange('\0', '\u001f') < 0 && text.IndexOfAnyInRange('\u007f', '\u009f') < 0 && text.IndexOfAnyInRange('\ud800', '\udfff') < 0)
            return null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsControl(c) && !(multiLine && c is '\t' or '\n' or '\r'))
                return c == '\0'
                    ? "holds a NUL character (\\u0000)"
                    : $"holds the control character \\u{(int)c:x4}{(multiLine ? "" : ": give a single line of text")}";
            if (char.IsSurrogate(c))
            {
                if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                    i++;
                else
                    return "is not valid Unicode (a lone surrogate)";
            }
        }
        return null;
    }

    /// <summary>Throws a <see cref="DomainRuleException"/> naming the field when the text breaks <see cref="Problem"/>.</summary>
    public static void Require(string? text, string field, bool multiLine)
    {
        if (text is not null && Problem(text, multiLine) is { } problem)
            throw new DomainRuleException($"{field} {problem}.", field);
    }
}
