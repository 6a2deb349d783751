using Npgsql;
using OpsConsole.Domain.Targets;

namespace OpsConsole.Domain.Rehearsals.Staging;

/// <summary>
/// Whether two targets are databases of one PostgreSQL cluster. Host names prove nothing (an alias, a socket or a
/// proxy lead to the same server), so the servers are asked, as <see cref="StoreCluster"/> does for the store:
/// first pg_control_system()'s system identifier, fixed at initdb (PUBLIC may call it by default, so pg_monitor is
/// plenty); where a role may not call it, a live probe: a session opened on one with a random application name is
/// looked for in the other's pg_stat_activity, which lists every session of its cluster, names included, to any role.
/// </summary>
public sealed class ClusterIdentity(StagingConnections connections)
{

    /// <summary>The system identifier of the target's cluster; null when its role may not call pg_control_system().</summary>
    public Task<long?> SystemIdentifierAsync(Target target, CancellationToken ct) =>
        connections.ReadAsync(target, SystemIdentifierAsync, ct);

    public static async Task<long?> SystemIdentifierAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        try
        {
            await using var command = new NpgsqlCommand("SELECT system_identifier FROM pg_control_system()", connection);
            return (long)(await command.ExecuteScalarAsync(ct))!;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            return null;
        }
    }

    /// <summary>True when <paramref name="a"/> and <paramref name="b"/> share a cluster; identifiers first, the probe where one is unreadable.</summary>
    public async Task<bool> SameClusterAsync(Target a, long? aIdentifier, Target b, CancellationToken ct)
    {
        var bIdentifier = await SystemIdentifierAsync(b, ct);
        if (aIdentifier is { } x && bIdentifier is { } y)
            return x == y;
        var probe = $"OpsConsole cluster probe {Guid.NewGuid():N}";
        await using var session = await connections.OpenAsync(a, probe, ct);
        return await connections.ReadAsync(b, async (connection, c) =>
        {
            await using var seen = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE application_name = $1)", connection)
                { Parameters = { new() { Value = probe } } };
            return await seen.ExecuteScalarAsync(c) is true;
        }, ct);
    }
}
