using Microsoft.AspNetCore.DataProtection;
using Npgsql;

namespace OpsConsole.Domain.Targets;

/// <summary>
/// Opens connections to targets. Catalog reads and audited actions use Npgsql directly (not EF): they are
/// queries on another server's system views, with short timeouts so that a dead target never holds a page.
/// A target that does not answer is a <see cref="TargetUnavailableException"/> from here, never the driver's exception.
/// </summary>
public sealed class TargetConnections(IDataProtectionProvider protection)
{
    /// <summary>
    /// Every target session reads '…' literally, whatever the role's or database's defaults say: the quoting of
    /// ALTER SYSTEM values (SettingSql) and the script lexer (SqlTokenizer) both rely on it. Last on the command
    /// line, so it wins over any -c the connection string brings.
    /// </summary>
    private const string StandardStrings = "-c standard_conforming_strings=on";

    private readonly IDataProtector protector = protection.CreateProtector("OpsConsole.Targets.ConnectionString");

    public string Protect(string connectionString) => protector.Protect(connectionString);

    public string Unprotect(Target target) => protector.Unprotect(target.ProtectedConnectionString);

    private const int ConnectTimeoutSeconds = 3;

    public Task<NpgsqlConnection> OpenAsync(Target target, CancellationToken ct, int statementTimeoutSeconds = 5) =>
        OpenAsync(Unprotect(target), target.Name, ct, statementTimeoutSeconds);

    /// <summary>A pooled connection from a connection string not saved yet (a registration or rotation being tested).</summary>
    public Task<NpgsqlConnection> OpenAsync(string connectionString, CancellationToken ct, int statementTimeoutSeconds = 5)
    {
        var parsed = new NpgsqlConnectionStringBuilder(connectionString);
        return OpenAsync(connectionString, $"{parsed.Host}:{parsed.Port}", ct, statementTimeoutSeconds);
    }

    /// <summary>
    /// Opens a connection and reads through it: a target that stops answering half way through the read is unavailable
    /// too. For reads only, where nothing is left half done on the target when the connection drops.
    /// </summary>
    public async Task<T> ReadAsync<T>(Target target, Func<NpgsqlConnection, CancellationToken, Task<T>> read, CancellationToken ct,
        int statementTimeoutSeconds = 5)
    {
        await using var connection = await OpenAsync(target, ct, statementTimeoutSeconds);
        try
        {
            return await read(connection, ct);
        }
        catch (Exception e) when (TargetUnavailableException.IsNoAnswer(e) && !ct.IsCancellationRequested)
        {
            throw TargetUnavailableException.For(target.Name, e, statementTimeoutSeconds);
        }
    }

    private async Task<NpgsqlConnection> OpenAsync(string connectionString, string name, CancellationToken ct, int statementTimeoutSeconds)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            Timeout = ConnectTimeoutSeconds,
            CommandTimeout = statementTimeoutSeconds,
            ApplicationName = "OpsConsole",
        };
        builder.Options = WithStandardStrings(builder.Options);
        return await OpenAsync(builder, name, ct);
    }

    /// <summary>
    /// A connection of its own (outside the pool, so that a restarted target never hands back a dead one) with a
    /// server-side statement timeout: for samplers that keep one connection open and query it every second.
    /// </summary>
    public async Task<NpgsqlConnection> OpenDedicatedAsync(Target target, string applicationName, TimeSpan statementTimeout, CancellationToken ct)
    {
        var builder = new NpgsqlConnectionStringBuilder(Unprotect(target))
        {
            Timeout = ConnectTimeoutSeconds,
            CommandTimeout = (int)Math.Ceiling(statementTimeout.TotalSeconds) + 1,
            ApplicationName = applicationName,
            Pooling = false,
        };
        builder.Options = WithStandardStrings(
            $"{builder.Options} -c statement_timeout={(int)statementTimeout.TotalMilliseconds} -c lock_timeout={(int)statementTimeout.TotalMilliseconds}");
        return await OpenAsync(builder, target.Name, ct);
    }

    private static string WithStandardStrings(string? options) => $"{options} {StandardStrings}".Trim();

    private static async Task<NpgsqlConnection> OpenAsync(NpgsqlConnectionStringBuilder builder, string name, CancellationToken ct)
    {
        var connection = await OpenOnceAsync(builder, name, ct);
        if (!builder.Pooling || await IsAliveAsync(connection, ct))
            return connection;
        // The target went away since this connection was pooled (a restart or a terminate ends every idle session):
        // every idle one in the pool is as dead, so they all go, and the caller gets a new session.
        NpgsqlConnection.ClearPool(connection);
        await connection.DisposeAsync();
        return await OpenOnceAsync(builder, name, ct);
    }

    /// <summary>
    /// One round trip on a pooled connection before it is handed out. The pool does not check (by design: see
    /// npgsql#933), and an apply or a rollback that fails on a dead session after a target restart is the one moment
    /// an operator can least afford it; a target call is never hot enough for the round trip to matter.
    /// </summary>
    private static async Task<bool> IsAliveAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        try
        {
            await using var ping = new NpgsqlCommand("SELECT 1", connection);
            await ping.ExecuteScalarAsync(ct);
            return true;
        }
        catch (NpgsqlException) when (connection.FullState.HasFlag(System.Data.ConnectionState.Broken) || connection.State != System.Data.ConnectionState.Open)
        {
            return false;
        }
    }

    private static async Task<NpgsqlConnection> OpenOnceAsync(NpgsqlConnectionStringBuilder builder, string name, CancellationToken ct)
    {
        var connection = new NpgsqlConnection(builder.ConnectionString);
        try
        {
            await connection.OpenAsync(ct);
            return connection;
        }
        catch (Exception e) when (TargetUnavailableException.IsNoAnswer(e, connecting: true) && !ct.IsCancellationRequested)
        {
            await connection.DisposeAsync();
            throw TargetUnavailableException.For(name, e, ConnectTimeoutSeconds);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}
