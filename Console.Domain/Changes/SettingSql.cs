using System.Text.RegularExpressions;

namespace OpsConsole.Domain.Changes;

/// <summary>
/// ALTER SYSTEM takes no bind parameters, so its statements are built here and only here: the name must
/// be a plain setting name (it was also checked against the target's pg_settings), the value becomes a
/// standard SQL string literal with quotes doubled and no control characters.
/// </summary>
public static partial class SettingSql
{
    public static string AlterSystemSet(string parameter, string value) =>
        $"ALTER SYSTEM SET {Identifier(parameter)} = {Literal(value)}";

    public static string AlterSystemReset(string parameter) => $"ALTER SYSTEM RESET {Identifier(parameter)}";

    public static string Identifier(string parameter) =>
        SettingName().IsMatch(parameter)
            ? string.Join('.', parameter.Split('.').Select(part => $"\"{part}\""))
            : throw new DomainRuleException($"'{parameter}' is not a setting name.", "Parameter");

    public static string Literal(string value) =>
        value.Any(char.IsControl)
            ? throw new DomainRuleException("The value contains a control character.", "Value")
            : $"'{value.Replace("'", "''")}'";

    [GeneratedRegex("^[a-z_][a-z0-9_]*(\\.[a-z_][a-z0-9_]*)?$")]
    private static partial Regex SettingName();
}
