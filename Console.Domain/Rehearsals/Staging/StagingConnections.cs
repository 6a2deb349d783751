using Npgsql;
using OpsConsole.Domain.Targets;

namespace OpsConsole.Domain.Rehearsals.Staging;

/// <summary>
/// Sessions for staging safety: each a connection of its own, outside the pool, because a staging cluster is restarted
/// (by a DBA, for a setting that needs it) and a pooled session that died with the old server would fail the restore
/// that matters most. Rehearsals open a handful, so the few milliseconds a new session costs do not count. All of them
/// carry the same application name and timeouts, so that a snapshot and its verification see the same session settings.
/// </summary>
public sealed class StagingConnections(TargetConnections connections)
{
    public const string ApplicationName = "OpsConsole staging";
    private static readonly TimeSpan StatementTimeout = TimeSpan.FromSeconds(5);

    public Task<NpgsqlConnection> OpenAsync(Target target, CancellationToken ct) =>
        connections.OpenDedicatedAsync(target, ApplicationName, StatementTimeout, ct);

    /// <summary>A session with another application name (the cluster probe looks for it).</summary>
    public Task<NpgsqlConnection> OpenAsync(Target target, string applicationName, CancellationToken ct) =>
        connections.OpenDedicatedAsync(target, applicationName, StatementTimeout, ct);

    /// <summary>Reads in a session of its own; a target that stops answering half way is unavailable, as at connect.</summary>
    public async Task<T> ReadAsync<T>(Target target, Func<NpgsqlConnection, CancellationToken, Task<T>> read, CancellationToken ct)
    {
        await using var connection = await OpenAsync(target, ct);
        try
        {
            return await read(connection, ct);
        }
        catch (Exception e) when (TargetUnavailableException.IsNoAnswer(e) && !ct.IsCancellationRequested)
        {
            throw TargetUnavailableException.For(target.Name, e, (int)StatementTimeout.TotalSeconds);
        }
    }
}
