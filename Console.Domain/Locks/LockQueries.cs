using Npgsql;

namespace OpsConsole.Domain.Locks;

/// <summary>What one round trip of the sampler read: counters always, the graph only when something waited.</summary>
public sealed record LockReading(int Waiting, long DeadlocksTotal, long RollbacksTotal, IReadOnlyList<Backend> Backends, IReadOnlyList<LockWait> Waits);

/// <summary>
/// The sampler's SQL on a target, kept cheap when nothing waits: the first query counts lock waiters and reads
/// pg_stat_database; only when someone waits does the second fetch blockers (pg_blocking_pids, which takes the
/// lock manager's locks, so it is never run on a quiet target) and lock details, in one round trip.
/// </summary>
public static class LockQueries
{
    /// <summary>The longest query text kept per session; the Locks page shortens it further for drawing.</summary>
    public const int MaxQueryLength = 2000;

    private const string CountersSql = """
        SELECT (SELECT count(*) FROM pg_stat_activity
                WHERE wait_event_type = 'Lock' AND datname = current_database() AND pid <> pg_backend_pid())::int,
               deadlocks, xact_rollback
        FROM pg_stat_database WHERE datname = current_database()
        """;

    // One row per session involved (waiting, or blocking a waiter). A waiter waits on at most one lock: its
    // ungranted pg_locks row, read in one scan of pg_locks rather than one per waiter. Blockers may sit in
    // other databases (shared catalogs) or be prepared transactions (pid 0): they get a bare node.
    private const string GraphSql = """
        WITH waiting AS (
            SELECT pid, pg_blocking_pids(pid) AS blockers FROM pg_stat_activity
            WHERE wait_event_type = 'Lock' AND datname = current_database() AND pid <> pg_backend_pid()),
        involved AS (SELECT pid FROM waiting UNION SELECT unnest(blockers) FROM waiting),
        awaited AS (SELECT DISTINCT ON (pid) * FROM pg_locks WHERE NOT granted ORDER BY pid)
        SELECT i.pid, coalesce(a.usename, ''), coalesce(a.application_name, ''), host(a.client_addr), coalesce(a.state, ''),
               extract(epoch FROM now() - a.xact_start)::float8, extract(epoch FROM now() - l.waitstart)::float8,
               left(coalesce(a.query, ''), $1), coalesce(w.blockers, '{}'),
               l.mode, l.locktype, l.relation::regclass::text, l.page, l.tuple, l.transactionid::text, l.virtualxid, l.classid::bigint, l.objid::bigint,
               a.pid IS NOT NULL
        FROM involved i
        LEFT JOIN pg_stat_activity a ON a.pid = i.pid
        LEFT JOIN waiting w ON w.pid = i.pid
        LEFT JOIN awaited l ON l.pid = w.pid
        """;

    public static async Task<LockReading> ReadAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        int waiting;
        long deadlocks, rollbacks;
        await using (var counters = new NpgsqlCommand(CountersSql, connection))
        await using (var reader = await counters.ExecuteReaderAsync(ct))
        {
            await reader.ReadAsync(ct);
            (waiting, deadlocks, rollbacks) = (reader.GetInt32(0), reader.GetInt64(1), reader.GetInt64(2));
        }
        if (waiting == 0)
            return new LockReading(0, deadlocks, rollbacks, [], []);

        var backends = new List<Backend>();
        var waits = new List<LockWait>();
        await using var graph = new NpgsqlCommand(GraphSql, connection) { Parameters = { new() { Value = MaxQueryLength } } };
        await using var rows = await graph.ExecuteReaderAsync(ct);
        while (await rows.ReadAsync(ct))
        {
            var pid = rows.GetInt32(0);
            if (rows.GetBoolean(18))
                backends.Add(new Backend(pid, rows.GetString(1), rows.GetString(2), rows.IsDBNull(3) ? null : rows.GetString(3), rows.GetString(4),
                    Seconds(rows, 5), Seconds(rows, 6), rows.GetString(7)));
            var blockers = rows.GetFieldValue<int[]>(8);
            if (blockers.Length == 0)
                continue;
            // pg_locks is read a moment after pg_stat_activity: a waiter whose lock row was not seen still waits.
            var (mode, lockedObject) = rows.IsDBNull(9) ? ("unknown", "unknown") : (rows.GetString(9), Describe(rows));
            foreach (var blocker in blockers)
                waits.Add(new LockWait(pid, blocker, mode, lockedObject));
        }
        return new LockReading(waiting, deadlocks, rollbacks, backends, waits);
    }

    private static TimeSpan? Seconds(NpgsqlDataReader row, int column) => row.IsDBNull(column) ? null : TimeSpan.FromSeconds(row.GetDouble(column));

    /// <summary>The awaited lock in words: "tuple (0,3) of inventory", "transaction 1234", "relation orders".</summary>
    private static string Describe(NpgsqlDataReader row)
    {
        string? Text(int column) => row.IsDBNull(column) ? null : row.GetValue(column).ToString();
        var relation = Text(11) ?? "?";
        return row.GetString(10) switch
        {
            "relation" => $"relation {relation}",
            "tuple" => $"tuple ({Text(12)},{Text(13)}) of {relation}",
            "page" => $"page {Text(12)} of {relation}",
            "extend" => $"extension of {relation}",
            "transactionid" => $"transaction {Text(14)}",
            "virtualxid" => $"virtual transaction {Text(15)}",
            "advisory" => $"advisory lock {Text(16)}:{Text(17)}",
            var other => other,
        };
    }
}
