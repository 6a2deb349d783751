namespace OpsConsole.Domain.Targets;

/// <summary>
/// Refuses a script that would step outside the one transaction the console runs it in (COMMIT, ROLLBACK, END,
/// ABORT, PREPARE TRANSACTION, COMMIT/ROLLBACK PREPARED), or outside the target's script role (SET ROLE, RESET ROLE,
/// SET SESSION AUTHORIZATION, set_config('role', …)). Checked when a change is registered and again just before it
/// runs. Statements built at run time (EXECUTE in a DO block) are beyond a lexer: the server refuses transaction
/// control inside a transaction block, and TargetScripts checks the role again after the script.
/// </summary>
public static class ScriptGuard
{
    private static readonly string[] RoleSettings = ["role", "session_authorization"];

    /// <summary>Null when the script may run; otherwise the reason, in words for its author.</summary>
    public static string? Problem(string script)
    {
        var statements = SqlTokenizer.Statements(script ?? "");
        for (var n = 0; n < statements.Count; n++)
        {
            var words = statements[n];
            if (EndsTransaction(words) is { } ending)
                return $"Statement {n + 1} ({ending}) ends the transaction: the console runs the whole script in one transaction and commits it itself.";
            if (ChangesRole(words) is { } change)
                return $"Statement {n + 1} ({change}) changes the role: scripts run as the target's script role, to the end.";
        }
        return null;
    }

    public static void Demand(string script, string field)
    {
        if (Problem(script) is { } problem)
            throw new DomainRuleException(problem, field);
    }

    private static string? EndsTransaction(IReadOnlyList<SqlToken> s)
    {
        switch (Keyword(s, 0))
        {
            case "commit" or "end" or "abort":
                return Keyword(s, 1) == "prepared" ? "COMMIT PREPARED" : Keyword(s, 0)!.ToUpperInvariant();
            case "rollback":
                // ROLLBACK [WORK | TRANSACTION] TO [SAVEPOINT] name stays inside the transaction.
                var next = Keyword(s, 1) is "work" or "transaction" ? 2 : 1;
                return Keyword(s, next) == "to" ? null : Keyword(s, 1) == "prepared" ? "ROLLBACK PREPARED" : "ROLLBACK";
            case "prepare" when Keyword(s, 1) == "transaction":
                return "PREPARE TRANSACTION";
            default:
                return null;
        }
    }

    private static string? ChangesRole(IReadOnlyList<SqlToken> s)
    {
        if (Keyword(s, 0) is "set" or "reset")
        {
            var verb = Keyword(s, 0)!.ToUpperInvariant();
            var i = Keyword(s, 1) is "session" or "local" ? 2 : 1;
            if (Name(s, i) is { } name && RoleSettings.Contains(name))
                return $"{verb} {name.ToUpperInvariant()}";
            if (Keyword(s, i) == "authorization" && Keyword(s, i - 1) == "session"
                || Keyword(s, i) == "session" && Keyword(s, i + 1) == "authorization")
                return $"{verb} SESSION AUTHORIZATION";
        }
        // set_config(name, …) anywhere: the name must be one plain literal ('ro' || 'le' is not), and not a role.
        for (var i = 0; i + 1 < s.Count; i++)
        {
            if (s[i] is not { Kind: SqlTokenKind.Word, Text: "set_config" } || s[i + 1].Text != "(")
                continue;
            if (i + 3 >= s.Count || s[i + 2].Kind != SqlTokenKind.String || s[i + 3].Text != ",")
                return "set_config with a computed setting name";
            if (RoleSettings.Contains(s[i + 2].Text.Trim().ToLowerInvariant()))
                return $"set_config('{s[i + 2].Text.Trim()}')";
        }
        return null;
    }

    private static string? Keyword(IReadOnlyList<SqlToken> s, int i) => i < s.Count && s[i].Kind == SqlTokenKind.Word ? s[i].Text : null;

    /// <summary>A setting name, quoted or not (setting names are case-insensitive either way).</summary>
    private static string? Name(IReadOnlyList<SqlToken> s, int i) =>
        i < s.Count && s[i].Kind is SqlTokenKind.Word or SqlTokenKind.QuotedIdentifier ? s[i].Text.ToLowerInvariant() : null;
}
