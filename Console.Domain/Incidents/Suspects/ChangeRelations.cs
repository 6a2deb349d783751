using System.Text.RegularExpressions;
using OpsConsole.Domain.Checkout;

namespace OpsConsole.Domain.Incidents.Suspects;

/// <summary>The kinds of database trouble a change can cause, each tied to the checkout failure classes it shows up as.</summary>
public enum ChangeFamily { Locks, Timeouts, Isolation, Connections, Planner }

/// <summary>How a change relates to a family of trouble, and why, in words a DBA would write.</summary>
public sealed record ChangeRelation(ChangeFamily Family, string Why);

/// <summary>
/// The table behind "does this change relate to what fails": which settings and which script keywords belong to which
/// family, and which failure classes each family shows up as. Kept as data, not rules, so a DBA can read and extend it.
/// </summary>
public static class ChangeRelations
{
    /// <summary>
    /// The failure classes each family causes, and how directly (1 = the family governs them; the planner only slows
    /// queries down, so locks are held longer and timeouts hit: it relates at half weight).
    /// </summary>
    public static readonly IReadOnlyDictionary<ChangeFamily, (IReadOnlyList<string> Classes, double Weight)> Causes =
        new Dictionary<ChangeFamily, (IReadOnlyList<string>, double)>
        {
            [ChangeFamily.Locks] = ([ErrorClasses.DbDeadlock, ErrorClasses.DbLockTimeout], 1.0),
            [ChangeFamily.Timeouts] = ([ErrorClasses.DbLockTimeout, ErrorClasses.DbConnectionTimeout], 1.0),
            [ChangeFamily.Isolation] = ([ErrorClasses.DbSerialization, ErrorClasses.DbDeadlock], 1.0),
            [ChangeFamily.Connections] = ([ErrorClasses.DbConnectionTimeout], 1.0),
            [ChangeFamily.Planner] = ([ErrorClasses.DbLockTimeout, ErrorClasses.DbConnectionTimeout, ErrorClasses.DbDeadlock], 0.5),
        };

    private static readonly Dictionary<string, ChangeRelation> Settings = new(StringComparer.OrdinalIgnoreCase)
    {
        ["deadlock_timeout"] = new(ChangeFamily.Locks, "deadlock_timeout governs how long lock waits last before deadlock detection"),
        ["lock_timeout"] = new(ChangeFamily.Locks, "lock_timeout governs how long a statement waits for a lock before it fails"),
        ["max_locks_per_transaction"] = new(ChangeFamily.Locks, "max_locks_per_transaction sizes the shared lock table"),
        ["log_lock_waits"] = new(ChangeFamily.Locks, "log_lock_waits logs lock waits longer than deadlock_timeout"),
        ["statement_timeout"] = new(ChangeFamily.Timeouts, "statement_timeout cancels statements that run longer than it, lock waits included"),
        ["idle_in_transaction_session_timeout"] = new(ChangeFamily.Timeouts,
            "idle_in_transaction_session_timeout decides how long an idle transaction may keep its locks"),
        ["transaction_timeout"] = new(ChangeFamily.Timeouts, "transaction_timeout cancels transactions that run longer than it"),
        ["default_transaction_isolation"] = new(ChangeFamily.Isolation,
            "default_transaction_isolation sets the isolation level, and with it serialization failures and lock behaviour"),
        ["transaction_isolation"] = new(ChangeFamily.Isolation, "transaction_isolation sets the isolation level of transactions"),
        ["default_transaction_deferrable"] = new(ChangeFamily.Isolation, "default_transaction_deferrable changes how serializable transactions wait"),
        ["max_pred_locks_per_transaction"] = new(ChangeFamily.Isolation, "max_pred_locks_per_transaction sizes the predicate locks of serializable transactions"),
        ["max_pred_locks_per_relation"] = new(ChangeFamily.Isolation, "max_pred_locks_per_relation decides when serializable locks escalate to the whole table"),
        ["max_pred_locks_per_page"] = new(ChangeFamily.Isolation, "max_pred_locks_per_page decides when serializable locks escalate to the page"),
        ["max_connections"] = new(ChangeFamily.Connections, "max_connections caps the sessions the database accepts"),
        ["superuser_reserved_connections"] = new(ChangeFamily.Connections, "superuser_reserved_connections holds back connections from applications"),
        ["reserved_connections"] = new(ChangeFamily.Connections, "reserved_connections holds back connections from applications"),
        ["idle_session_timeout"] = new(ChangeFamily.Connections, "idle_session_timeout closes idle sessions that pools expect to reuse"),
        ["authentication_timeout"] = new(ChangeFamily.Connections, "authentication_timeout limits how long a new connection may take to sign in"),
        ["tcp_keepalives_idle"] = new(ChangeFamily.Connections, "tcp_keepalives_idle decides when dead client connections are noticed"),
        ["tcp_user_timeout"] = new(ChangeFamily.Connections, "tcp_user_timeout decides when unacknowledged connections are dropped"),
        ["random_page_cost"] = new(ChangeFamily.Planner, "random_page_cost steers the planner between index and sequential scans"),
        ["seq_page_cost"] = new(ChangeFamily.Planner, "seq_page_cost steers the planner between index and sequential scans"),
        ["effective_cache_size"] = new(ChangeFamily.Planner, "effective_cache_size steers the planner's choice of index scans"),
        ["work_mem"] = new(ChangeFamily.Planner, "work_mem decides whether sorts and hashes spill to disk"),
        ["default_statistics_target"] = new(ChangeFamily.Planner, "default_statistics_target decides how well the planner knows the data"),
        ["join_collapse_limit"] = new(ChangeFamily.Planner, "join_collapse_limit decides how freely the planner reorders joins"),
        ["from_collapse_limit"] = new(ChangeFamily.Planner, "from_collapse_limit decides how freely the planner flattens subqueries"),
        ["plan_cache_mode"] = new(ChangeFamily.Planner, "plan_cache_mode decides between generic and custom plans"),
        ["jit"] = new(ChangeFamily.Planner, "jit adds compilation time to expensive queries"),
        ["cpu_tuple_cost"] = new(ChangeFamily.Planner, "cpu_tuple_cost steers the planner's cost estimates"),
        ["cpu_index_tuple_cost"] = new(ChangeFamily.Planner, "cpu_index_tuple_cost steers the planner's cost estimates"),
        ["cpu_operator_cost"] = new(ChangeFamily.Planner, "cpu_operator_cost steers the planner's cost estimates"),
    };

    // Script keywords, matched as whole words on the script with comments and string literals left in: a false match
    // costs only a higher rank, while a missed one could hide the cause.
    private static readonly (Regex Pattern, ChangeRelation Relation)[] ScriptKeywords =
    [
        (Words(@"LOCK\s+TABLE"), new(ChangeFamily.Locks, "the script takes table locks (LOCK TABLE)")),
        (Words(@"FOR\s+(NO\s+KEY\s+)?UPDATE|FOR\s+(KEY\s+)?SHARE"), new(ChangeFamily.Locks, "the script locks rows (FOR UPDATE/SHARE)")),
        (Words(@"ALTER\s+TABLE"), new(ChangeFamily.Locks, "the script alters a table, which takes an exclusive lock")),
        (Words(@"CREATE\s+(UNIQUE\s+)?INDEX(?!\s+CONCURRENTLY)"), new(ChangeFamily.Locks, "the script builds an index without CONCURRENTLY, blocking writes")),
        (Words(@"CREATE\s+(OR\s+REPLACE\s+)?(CONSTRAINT\s+)?TRIGGER"), new(ChangeFamily.Locks, "the script adds a trigger: more work and more locks inside each write")),
        (Words(@"REFERENCES|FOREIGN\s+KEY"), new(ChangeFamily.Locks, "the script adds a foreign key, which locks referenced rows on every write")),
        (Words(@"deadlock_timeout|lock_timeout"), new(ChangeFamily.Locks, "the script sets a lock timeout")),
        (Words(@"statement_timeout|idle_in_transaction_session_timeout|transaction_timeout"), new(ChangeFamily.Timeouts, "the script sets a timeout")),
        (Words(@"SERIALIZABLE|REPEATABLE\s+READ|ISOLATION\s+LEVEL|default_transaction_isolation"),
            new(ChangeFamily.Isolation, "the script changes the isolation level")),
        (Words(@"CONNECTION\s+LIMIT|max_connections|pg_terminate_backend"), new(ChangeFamily.Connections, "the script limits or ends connections")),
        (Words(@"DROP\s+INDEX|ANALYZE|CREATE\s+STATISTICS|VACUUM\s+FULL|CLUSTER|random_page_cost|work_mem|enable_\w+"),
            new(ChangeFamily.Planner, "the script changes what the planner sees (indexes, statistics or planner settings)")),
    ];

    /// <summary>How the parameter, or the script or description, relates to each family it touches (empty when to none).</summary>
    public static IReadOnlyList<ChangeRelation> Of(string? parameter, string? text)
    {
        var relations = new List<ChangeRelation>();
        if (parameter is not null && Settings.TryGetValue(parameter, out var setting))
            relations.Add(setting);
        else if (parameter is not null && parameter.StartsWith("enable_", StringComparison.OrdinalIgnoreCase))
            relations.Add(new(ChangeFamily.Planner, $"{parameter} turns a plan type on or off for the planner"));
        if (!string.IsNullOrWhiteSpace(text))
            relations.AddRange(ScriptKeywords.Where(k => k.Pattern.IsMatch(text)).Select(k => k.Relation));
        // One reason per family is enough for the evidence, and the first is the most specific (the setting's own).
        return relations.DistinctBy(r => r.Family).ToList();
    }

    private static Regex Words(string pattern) =>
        new($@"\b(?:{pattern})\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled, TimeSpan.FromMilliseconds(200));
}
