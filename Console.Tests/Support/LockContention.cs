using Npgsql;

namespace OpsConsole.Tests.Support;

/// <summary>
/// Real sessions on a target that hold and wait for row locks, for tests of the lock sampler and the Locks page.
/// Table <c>lock_demo</c> has rows 1..5. A session starts a transaction; <see cref="Session.UpdateAsync"/> either
/// returns at once (the lock was free) or stays pending while it waits, which is the point.
/// </summary>
public sealed class LockContention(string connectionString) : IAsyncDisposable
{
    private readonly List<Session> sessions = [];

    public static async Task<LockContention> StartAsync(string connectionString)
    {
        // No command timeout: a wait is the point, and Npgsql's default 30 s would cancel a waiter behind a slow page
        // (the head then blocks no one: a CI failure).
        var contention = new LockContention(connectionString + ";Pooling=false;Application Name=lock test;Command Timeout=0");
        await using var setup = await contention.OpenAsync();
        await using var command = new NpgsqlCommand("""
            CREATE TABLE IF NOT EXISTS lock_demo (id int PRIMARY KEY, v int NOT NULL);
            INSERT INTO lock_demo SELECT g, 0 FROM generate_series(1, 5) g ON CONFLICT DO NOTHING;
            """, setup);
        await command.ExecuteNonQueryAsync();
        return contention;
    }

    /// <summary>How a wait ended: "ok" when the lock was granted, else the SQLSTATE (40P01 for the deadlock victim).</summary>
    public static async Task<string> OutcomeOf(Task wait)
    {
        try
        {
            await wait;
            return "ok";
        }
        catch (PostgresException e)
        {
            return e.SqlState;
        }
    }

    /// <summary>A session inside a transaction.</summary>
    public async Task<Session> BeginAsync()
    {
        var connection = await OpenAsync();
        await using (var begin = new NpgsqlCommand("BEGIN", connection))
            await begin.ExecuteNonQueryAsync();
        var session = new Session(connection);
        sessions.Add(session);
        return session;
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>
    /// Ends the sessions on the server first: closing a connection whose statement still waits for a lock would
    /// wait with it, behind sessions not closed yet.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (sessions.Count > 0)
        {
            await using var admin = await OpenAsync();
            await using var terminate = new NpgsqlCommand("SELECT pg_terminate_backend(pid, 5000) FROM unnest($1) pid", admin)
            {
                Parameters = { new() { Value = sessions.Select(s => s.Pid).ToArray() } },
            };
            await terminate.ExecuteNonQueryAsync();
        }
        foreach (var session in sessions)
            await session.DisposeAsync();
    }

    public sealed class Session(NpgsqlConnection connection) : IAsyncDisposable
    {
        public int Pid { get; } = connection.ProcessID;

        /// <summary>Locks row <paramref name="id"/>; the task completes when the lock is granted (or the wait fails).</summary>
        public Task UpdateAsync(int id) =>
            new NpgsqlCommand($"UPDATE lock_demo SET v = v + 1 WHERE id = {id}", connection).ExecuteNonQueryAsync();

        public Task RollbackAsync() => new NpgsqlCommand("ROLLBACK", connection).ExecuteNonQueryAsync();

        /// <summary>Runs any statement in the session's transaction (a table lock, a read); pending while it waits.</summary>
        public Task ExecuteAsync(string sql) => new NpgsqlCommand(sql, connection).ExecuteNonQueryAsync();

        public async ValueTask DisposeAsync()
        {
            try { await connection.DisposeAsync(); }
            catch (NpgsqlException) { /* terminated by the test: nothing left to close */ }
        }
    }
}
