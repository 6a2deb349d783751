using System.Text;
using OpsConsole.Domain.Changes;

namespace OpsConsole.Domain.Rehearsals.Staging;

/// <summary>
/// Writes a postgresql.auto.conf entry back as it was. One string literal is right for every setting but those whose
/// list elements PostgreSQL quotes as identifiers (GUC_LIST_QUOTE in guc.c): for them ALTER SYSTEM SET x = '"$user", public'
/// would store the whole text as one quoted element. Their file value is split into its elements and each becomes a
/// literal of its own, which ALTER SYSTEM quotes exactly as it did the first time.
/// </summary>
public static class AutoConfSql
{
    private static readonly HashSet<string> QuotedLists =
    [
        "search_path", "temp_tablespaces", "unix_socket_directories",
        "shared_preload_libraries", "session_preload_libraries", "local_preload_libraries",
    ];

    public static string Set(AutoConfEntry entry) =>
        QuotedLists.Contains(entry.Name)
            ? $"ALTER SYSTEM SET {SettingSql.Identifier(entry.Name)} = {string.Join(", ", Elements(entry.Value).Select(SettingSql.Literal))}"
            : SettingSql.AlterSystemSet(entry.Name, entry.Value);

    public static string Reset(string name) => SettingSql.AlterSystemReset(name);

    /// <summary>The elements of a quoted list as PostgreSQL's SplitIdentifierString reads it: commas apart, "…" with "" for a quote, outside spaces trimmed.</summary>
    public static IReadOnlyList<string> Elements(string value)
    {
        var elements = new List<string>();
        var i = 0;
        while (true)
        {
            while (i < value.Length && char.IsWhiteSpace(value[i])) i++;
            if (i >= value.Length)
                break;
            var element = new StringBuilder();
            if (value[i] == '"')
            {
                for (i++; i < value.Length; i++)
                {
                    if (value[i] != '"') { element.Append(value[i]); continue; }
                    if (i + 1 < value.Length && value[i + 1] == '"') { element.Append('"'); i++; continue; }
                    i++;
                    break;
                }
            }
            else
            {
                while (i < value.Length && value[i] != ',') element.Append(value[i++]);
                element = new StringBuilder(element.ToString().TrimEnd());
            }
            elements.Add(element.ToString());
            while (i < value.Length && value[i] != ',') i++;
            i++; // past the comma
        }
        // '' (an empty list) is one empty element to ALTER SYSTEM as well.
        return elements.Count == 0 ? [""] : elements;
    }
}
