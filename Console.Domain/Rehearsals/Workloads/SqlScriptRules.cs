using System.Text;
using System.Text.RegularExpressions;

namespace OpsConsole.Domain.Rehearsals.Workloads;

/// <summary>
/// What a profile's scripts may be: 1 to <see cref="MaxScripts"/>, names unique, weights 1–100, SQL up to 16 KB. Only what
/// must be refused before pgbench starts is read from the SQL itself: the meta-commands that would run a shell command on
/// the console's machine (<c>\shell</c>, <c>\setshell</c>). Everything else (SQL errors, a malformed <c>\set</c>) pgbench
/// reports when the run starts, naming the script, and the run fails with its words.
/// </summary>
public static partial class SqlScriptRules
{
    public const int MaxScripts = 10;
    public const int MaxNameLength = 40;
    public const int MaxWeight = 100;
    public const int MaxSqlBytes = 16 * 1024;
    public const int MaxTriesLimit = 10;

    public static void Check(IReadOnlyList<SqlScript> scripts, int maxTries)
    {
        const string field = nameof(RehearsalProfileSettings.Scripts);
        if (scripts.Count > MaxScripts)
            throw new DomainRuleException($"A profile has at most {MaxScripts} scripts.", field);
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < scripts.Count; i++)
        {
            var s = scripts[i];
            var at = $"{field}[{i}]";
            if (s is null)
                throw new DomainRuleException($"Script {i + 1} is missing.", at);
            var name = (s.Name ?? "").Trim();
            if (name.Length == 0)
                throw new DomainRuleException($"Give script {i + 1} a name.", $"{at}.Name");
            if (name.Length > MaxNameLength)
                throw new DomainRuleException($"A script's name is at most {MaxNameLength} characters.", $"{at}.Name");
            TextRules.Require(name, $"{at}.Name", multiLine: false);
            if (!names.Add(name))
                throw new DomainRuleException($"Two scripts are named {name}: give each its own name.", $"{at}.Name");
            if (s.Weight is < 1 or > MaxWeight)
                throw new DomainRuleException($"The weight of {name} is from 1 to {MaxWeight}.", $"{at}.Weight");
            var sql = s.Sql ?? "";
            if (string.IsNullOrWhiteSpace(sql))
                throw new DomainRuleException($"Give {name} its SQL.", $"{at}.Sql");
            TextRules.Require(sql, $"{at}.Sql", multiLine: true);
            if (Encoding.UTF8.GetByteCount(sql) > MaxSqlBytes)
                throw new DomainRuleException($"The SQL of {name} is at most {MaxSqlBytes / 1024} KB.", $"{at}.Sql");
            if (ShellCommand().Match(sql) is { Success: true } shell)
                throw new DomainRuleException(
                    $"{name} uses \\{shell.Groups[1].Value}, which would run a command on the console's machine: rehearsals run SQL only.", $"{at}.Sql");
        }
        if (maxTries is < 1 or > MaxTriesLimit)
            throw new DomainRuleException($"MaxTries is from 1 to {MaxTriesLimit} (1: a failed transaction is not retried).",
                nameof(RehearsalProfileSettings.MaxTries));
    }

    /// <summary>The scripts as stored and run: names trimmed.</summary>
    public static SqlScripts Normalized(IReadOnlyList<SqlScript> scripts) =>
        new(scripts.Select(s => s is null ? s! : s with { Name = (s.Name ?? "").Trim() }));

    // pgbench reads a meta-command from a backslash at the start of a line (after blanks); its name is case-insensitive.
    [GeneratedRegex(@"^[ \t]*\\(shell|setshell)\b", RegexOptions.Multiline | RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ShellCommand();
}
