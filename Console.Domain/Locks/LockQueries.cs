using Npgsql;

namespace OpsConsole.Domain.Locks;

/// <summary>What one round trip of the sampler read: counters always, the graph only when something waited.</summary>
public sealed record LockReading(int Waiting, long DeadlocksTotal, long RollbacksTotal, IReadOnlyList<Backend> Backends, IReadOnlyList<LockWait> Waits);

/// <summary>
/// The sampler's SQL on a target, kept cheap when nothing waits: the first query counts lock waiters and reads
/// pg_stat_database; only when someone waits does the second fetch who blocks whom and lock details, in one round trip.
/// Both are prepared statements on the sampler's session, so a tick does not plan them again.
/// </summary>
/// <remarks>
/// Who blocks whom is worked out on the server from one read of pg_locks: a waiter is blocked by the sessions that
/// hold a conflicting lock on what it awaits. pg_blocking_pids would also name every session queued ahead of it, so
/// n sessions queued on one row would be n(n-1)/2 rows (500,000 for 1,000), and it costs a pass over the lock
/// manager per waiter. It is asked only for the rare waiter that no holder blocks (it waits behind a queued
/// request, as readers behind an ALTER TABLE that waits for a reader), and of what it names, the queued waiters
/// that wait the same way are dropped unless nothing else is left. See docs/decisions/0012-sampler-waits-on-holders.md.
/// </remarks>
public static class LockQueries
{
    /// <summary>The longest query text kept per session; the Locks page shortens it further for drawing.</summary>
    public const int MaxQueryLength = 2000;

    internal const string CountersSql = """
        SELECT (SELECT count(*) FROM pg_stat_activity
                WHERE wait_event_type = 'Lock' AND datname = current_database() AND pid <> pg_backend_pid())::int,
               deadlocks, xact_rollback
        FROM pg_stat_database WHERE datname = current_database()
        """;

    // One row per session involved (waiting, or blocking a waiter). A waiter waits on at most one lock: its
    // ungranted pg_locks row. Each catalog view is read once (MATERIALIZED), so the rows agree with each other.
    // Blockers are named as pg_blocking_pids names them: a parallel worker by its leader, a prepared transaction
    // (no pid) as 0; they may sit in other databases (shared catalogs) and then get a bare node. The table of
    // conflicting modes is PostgreSQL's (lock.c); a mode it does not know falls to pg_blocking_pids.
    private const string GraphSql = """
        WITH activity AS MATERIALIZED (
            SELECT pid, coalesce(leader_pid, pid) AS grp, usename, application_name, client_addr, state, xact_start, query,
                   wait_event_type = 'Lock' AND datname = current_database() AND pid <> pg_backend_pid() AS waits
            FROM pg_stat_activity),
        waiting AS MATERIALIZED (SELECT pid, grp FROM activity WHERE waits),
        locks AS MATERIALIZED (
            SELECT pid, granted, mode, locktype, relation, page, tuple, transactionid, virtualxid, classid, objid, waitstart,
                   concat_ws('/', locktype, database, relation, page, tuple, virtualxid, transactionid, classid, objid, objsubid) AS tag
            FROM pg_locks),
        awaited AS MATERIALIZED (
            SELECT DISTINCT ON (l.pid) l.*, w.grp FROM locks l JOIN waiting w USING (pid) WHERE NOT l.granted ORDER BY l.pid),
        conflicts (mode, conflicting) AS (VALUES
            ('AccessShareLock', '{AccessExclusiveLock}'::text[]),
            ('RowShareLock', '{ExclusiveLock,AccessExclusiveLock}'),
            ('RowExclusiveLock', '{ShareLock,ShareRowExclusiveLock,ExclusiveLock,AccessExclusiveLock}'),
            ('ShareUpdateExclusiveLock', '{ShareUpdateExclusiveLock,ShareLock,ShareRowExclusiveLock,ExclusiveLock,AccessExclusiveLock}'),
            ('ShareLock', '{RowExclusiveLock,ShareUpdateExclusiveLock,ShareRowExclusiveLock,ExclusiveLock,AccessExclusiveLock}'),
            ('ShareRowExclusiveLock', '{RowExclusiveLock,ShareUpdateExclusiveLock,ShareLock,ShareRowExclusiveLock,ExclusiveLock,AccessExclusiveLock}'),
            ('ExclusiveLock', '{RowShareLock,RowExclusiveLock,ShareUpdateExclusiveLock,ShareLock,ShareRowExclusiveLock,ExclusiveLock,AccessExclusiveLock}'),
            ('AccessExclusiveLock', '{AccessShareLock,RowShareLock,RowExclusiveLock,ShareUpdateExclusiveLock,ShareLock,ShareRowExclusiveLock,ExclusiveLock,AccessExclusiveLock}')),
        held AS MATERIALIZED (
            SELECT DISTINCT a.pid AS waiter, coalesce(g.grp, h.pid, 0) AS blocker
            FROM awaited a
            JOIN conflicts c ON c.mode = a.mode
            JOIN locks h ON h.tag = a.tag AND h.granted AND h.mode = ANY (c.conflicting)
            LEFT JOIN activity g ON g.pid = h.pid
            WHERE coalesce(g.grp, h.pid, 0) <> a.grp),
        queued_only AS MATERIALIZED (SELECT pid FROM waiting EXCEPT SELECT waiter FROM held),
        queued AS MATERIALIZED (SELECT q.pid AS waiter, b AS blocker FROM queued_only q, unnest(pg_blocking_pids(q.pid)) b),
        edges AS MATERIALIZED (
            SELECT waiter, blocker FROM held
            UNION ALL
            SELECT waiter, blocker FROM queued
            WHERE blocker NOT IN (SELECT pid FROM queued_only)
               OR waiter NOT IN (SELECT waiter FROM queued WHERE blocker NOT IN (SELECT pid FROM queued_only))),
        blocked AS (SELECT waiter AS pid, array_agg(DISTINCT blocker) AS blockers FROM edges GROUP BY waiter),
        involved AS (SELECT pid FROM waiting UNION SELECT blocker FROM edges)
        SELECT i.pid, coalesce(s.usename, ''), coalesce(s.application_name, ''), host(s.client_addr), coalesce(s.state, ''),
               extract(epoch FROM now() - s.xact_start)::float8, extract(epoch FROM now() - l.waitstart)::float8,
               left(coalesce(s.query, ''), $1), coalesce(b.blockers, '{}'),
               l.mode, l.locktype, l.relation::regclass::text, l.page, l.tuple, l.transactionid::text, l.virtualxid, l.classid::bigint, l.objid::bigint,
               s.pid IS NOT NULL
        FROM involved i
        LEFT JOIN activity s ON s.pid = i.pid
        LEFT JOIN blocked b ON b.pid = i.pid
        LEFT JOIN awaited l ON l.pid = i.pid
        """;

    public static async Task<LockReading> ReadAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        int waiting;
        long deadlocks, rollbacks;
        await using (var counters = new NpgsqlCommand(CountersSql, connection))
        {
            // Prepared once per session (the sampler keeps one for as long as it samples; a prepare of a statement already
            // prepared on it is no round trip): every tick after the first skips the target's parse and plan.
            await counters.PrepareAsync(ct);
            await using var reader = await counters.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            (waiting, deadlocks, rollbacks) = (reader.GetInt32(0), reader.GetInt64(1), reader.GetInt64(2));
        }
        if (waiting == 0)
            return new LockReading(0, deadlocks, rollbacks, [], []);

        var backends = new List<Backend>();
        var waits = new List<LockWait>();
        await using var graph = new NpgsqlCommand(GraphSql, connection) { Parameters = { new() { Value = MaxQueryLength } } };
        await graph.PrepareAsync(ct);
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
