namespace OpsConsole.Domain.Data;

/// <summary>Search text as an ILIKE "contains" pattern: the user's %, _ and \ match themselves (escape character \).</summary>
public static class LikePattern
{
    public const string Escape = "\\";

    public static string Contains(string text) =>
        $"%{text.Trim().Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_")}%";
}
