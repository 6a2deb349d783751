using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace OpsConsole.Domain.Instances;

/// <summary>
/// Background work that must run once across the console instances on one store (a target's lock sampler, the
/// checkout roll-up, …) runs while its instance holds a PostgreSQL session-level advisory lock named after it.
/// All of an instance's locks live on one dedicated store connection: when the process dies, even by kill -9, the
/// connection closes and PostgreSQL frees its locks at once; the other instances try every
/// <see cref="InstanceOptions.LockRetryInterval"/> and one of them takes over. The holder checks its connection at the
/// same pace, so when the store restarts it notices, stops the work (its token is cancelled) and takes the lock again
/// before it resumes. Advisory locks need no grants and belong to the database, so two stores in one cluster never meet.
/// </summary>
public sealed class StoreLocks : IAsyncDisposable
{
    public const string ApplicationName = "OpsConsole instance locks";

    private readonly string connectionString;
    private readonly InstanceOptions options;
    private readonly TimeProvider time;
    private readonly ILogger<StoreLocks> logger;
    // One connection, so one command at a time on it; the gate also guards the held locks.
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly Dictionary<string, StoreLock> held = [];
    private readonly CancellationTokenSource stopping = new();
    private NpgsqlConnection? connection;
    private Task? watch;

    public StoreLocks(string connectionString, IOptions<InstanceOptions> options, TimeProvider time, ILogger<StoreLocks> logger)
    {
        (this.options, this.time, this.logger) = (options.Value, time, logger);
        this.connectionString = new NpgsqlConnectionStringBuilder(connectionString)
        {
            // The process id tells a DBA (and the takeover test) which instance holds what: pg_locks joined to pg_stat_activity.
            ApplicationName = $"{ApplicationName} {Environment.ProcessId}",
            Pooling = false,
            Timeout = 5,
            CommandTimeout = 5,
            TcpKeepAlive = true,
            // The server's side of the same promise: a holder that vanished without closing its socket (a cut network)
            // is dropped, and its locks freed, within seconds instead of the operating system's two hours.
            Options = "-c tcp_keepalives_idle=5 -c tcp_keepalives_interval=2 -c tcp_keepalives_count=3",
        }.ConnectionString;
    }

    /// <summary>The advisory lock key of a name: stable across versions and instances, and apart from other keys in the store.</summary>
    public static long KeyOf(string name) => BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes("OpsConsole/" + name)), 0);

    /// <summary>Whether this instance holds the lock now.</summary>
    public bool Holds(string name)
    {
        lock (held) return held.TryGetValue(name, out var hold) && !hold.Lost.IsCancellationRequested;
    }

    /// <summary>
    /// Runs <paramref name="work"/> while this instance holds lock <paramref name="name"/>: waits until it does (trying every
    /// LockRetryInterval), runs the work with a token that is cancelled when the lock is lost, and when it is lost waits
    /// to hold it again and runs the work anew. Returns when the work returns of itself (the lock is released) or when
    /// <paramref name="ct"/> is cancelled. Any other failure of the work is the caller's.
    /// </summary>
    public async Task RunWhileHoldingAsync(string name, Func<CancellationToken, Task> work, CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await using var hold = await TryTakeAsync(name, ct);
                if (hold is null)
                {
                    await Task.Delay(options.LockRetryInterval, time, ct);
                    continue;
                }
                logger.LogInformation("This instance now runs {Work}", name);
                using var both = CancellationTokenSource.CreateLinkedTokenSource(ct, hold.Lost);
                try
                {
                    await work(both.Token);
                    if (!hold.Lost.IsCancellationRequested)
                        return;
                }
                catch (Exception) when (hold.Lost.IsCancellationRequested && !ct.IsCancellationRequested) { }
                logger.LogWarning("Lost the store lock of {Work}: stopped it until this instance holds the lock again", name);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
    }

    /// <summary>
    /// The lock <paramref name="name"/> if this instance holds it already or takes it now; null when another instance
    /// holds it or the store does not answer. Dispose it to release the lock; it stays held until then, or until lost.
    /// </summary>
    public async Task<StoreLock?> TryTakeAsync(string name, CancellationToken ct)
    {
        await gate.WaitAsync(ct);
        try
        {
            lock (held)
                if (held.TryGetValue(name, out var existing) && !existing.Lost.IsCancellationRequested)
                    return existing;
            try
            {
                connection ??= await OpenAsync(ct);
                await using var take = new NpgsqlCommand("SELECT pg_try_advisory_lock($1)", connection) { Parameters = { new() { Value = KeyOf(name) } } };
                if (!(bool)(await take.ExecuteScalarAsync(ct))!)
                    return null;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException or InvalidOperationException
                                      && !ct.IsCancellationRequested)
            {
                await LoseAllAsync(e);
                return null;
            }
            var hold = new StoreLock(this, name);
            lock (held) held[name] = hold;
            watch ??= Task.Run(() => WatchAsync(stopping.Token));
            return hold;
        }
        finally
        {
            gate.Release();
        }
    }

    internal async Task ReleaseAsync(StoreLock hold)
    {
        await gate.WaitAsync();
        try
        {
            lock (held)
            {
                if (!held.TryGetValue(hold.Name, out var current) || current != hold)
                    return; // lost already: the server freed it with the connection
                held.Remove(hold.Name);
            }
            hold.MarkLost();
            if (connection is null)
                return;
            try
            {
                await using var release = new NpgsqlCommand("SELECT pg_advisory_unlock($1)", connection) { Parameters = { new() { Value = KeyOf(hold.Name) } } };
                await release.ExecuteScalarAsync();
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException or InvalidOperationException)
            {
                await LoseAllAsync(e);
            }
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>While anything is held, asks the connection every retry interval whether it still lives.</summary>
    private async Task WatchAsync(CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await Task.Delay(options.LockRetryInterval, time, ct);
                await gate.WaitAsync(ct);
                try
                {
                    if (connection is null)
                        continue;
                    lock (held)
                        if (held.Count == 0)
                            continue;
                    try
                    {
                        await using var ping = new NpgsqlCommand("SELECT 1", connection);
                        await ping.ExecuteScalarAsync(ct);
                    }
                    catch (Exception e) when (!ct.IsCancellationRequested)
                    {
                        await LoseAllAsync(e);
                    }
                }
                finally
                {
                    gate.Release();
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
    }

    /// <summary>The connection is gone or in doubt: every lock on it counts as lost, and closing it makes sure the server agrees.</summary>
    private async Task LoseAllAsync(Exception cause)
    {
        List<StoreLock> lost;
        lock (held)
        {
            lost = [.. held.Values];
            held.Clear();
        }
        if (lost.Count > 0)
            logger.LogWarning("Lost the store connection that holds the locks of {Work} ({Error}); their work stops until they are held again",
                string.Join(", ", lost.Select(l => l.Name)), cause.Message);
        foreach (var hold in lost)
            hold.MarkLost();
        if (connection is not null)
        {
            try { await connection.DisposeAsync(); }
            catch (Exception) { /* broken already */ }
            connection = null;
        }
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken ct)
    {
        var opened = new NpgsqlConnection(connectionString);
        try
        {
            await opened.OpenAsync(ct);
            return opened;
        }
        catch
        {
            await opened.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        if (watch is not null)
            await watch;
        await gate.WaitAsync();
        try
        {
            lock (held)
            {
                foreach (var hold in held.Values)
                    hold.MarkLost();
                held.Clear();
            }
            if (connection is not null)
                await connection.DisposeAsync();
            connection = null;
        }
        finally
        {
            gate.Release();
        }
        stopping.Dispose();
    }
}

/// <summary>One advisory lock held by this instance. <see cref="Lost"/> is cancelled when it is lost or released.</summary>
public sealed class StoreLock : IAsyncDisposable
{
    private readonly StoreLocks owner;
    private readonly CancellationTokenSource lost = new();

    internal StoreLock(StoreLocks owner, string name) => (this.owner, Name) = (owner, name);

    public string Name { get; }

    public CancellationToken Lost => lost.Token;

    internal void MarkLost()
    {
        try { lost.Cancel(); }
        catch (ObjectDisposedException) { }
    }

    public ValueTask DisposeAsync() => new(owner.ReleaseAsync(this));
}
