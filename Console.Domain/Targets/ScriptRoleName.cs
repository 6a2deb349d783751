using System.Text.RegularExpressions;

namespace OpsConsole.Domain.Targets;

/// <summary>
/// The name of a target's script role: a plain lower-case PostgreSQL identifier, always double-quoted when it
/// goes into SQL (SET LOCAL ROLE takes no bind parameters). "none" would mean no role at all even when quoted,
/// and pg_* names are PostgreSQL's predefined roles (pg_execute_server_program among them), never a script role.
/// </summary>
public static partial class ScriptRoleName
{
    public static string Require(string role)
    {
        var name = (role ?? "").Trim();
        if (!Identifier().IsMatch(name))
            throw new DomainRuleException("A script role is 1 to 63 lower-case letters, digits, '_' or '$', starting with a letter or '_'.", "ScriptRole");
        if (name is "none" or "public" || name.StartsWith("pg_", StringComparison.Ordinal))
            throw new DomainRuleException($"'{name}' cannot be a script role: name a role of your own.", "ScriptRole");
        return name;
    }

    public static string Quoted(string role) => $"\"{Require(role).Replace("\"", "\"\"")}\"";

    [GeneratedRegex("^[a-z_][a-z0-9_$]{0,62}$")]
    private static partial Regex Identifier();
}
