using Microsoft.EntityFrameworkCore;
using Npgsql;
using OpsConsole.Domain.Data;

namespace OpsConsole.Domain.Targets;

/// <summary>
/// Tells whether a target connection reaches the PostgreSQL cluster that holds the console store. Any database of
/// that cluster is refused, not only the store's: ALTER SYSTEM and a superuser's COPY … TO PROGRAM reach the whole
/// cluster. Host names prove nothing (localhost, 127.0.0.1, ::1, a DNS alias, a socket or a proxy all lead to the
/// same server), so the question goes to the servers themselves:
/// - first the system identifier of pg_control_system(), fixed at initdb and unique per cluster (a streaming replica
///   shares it, and refusing the store's replica is right too);
/// - where a role may not read it, a live probe: a store session opened with a random application name is looked
///   for in the target's pg_stat_activity, which lists every session of the cluster, names included, to any role.
/// </summary>
public sealed class StoreCluster(IDbContextFactory<OpsDbContext> dbFactory)
{
    public async Task<bool> IsStoreClusterAsync(NpgsqlConnection target, CancellationToken ct)
    {
        string storeConnectionString;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            storeConnectionString = db.Database.GetConnectionString()!;
        var probe = $"OpsConsole store probe {Guid.NewGuid():N}";
        var builder = new NpgsqlConnectionStringBuilder(storeConnectionString) { ApplicationName = probe, Pooling = false, Timeout = 3 };
        await using var store = new NpgsqlConnection(builder.ConnectionString);
        await store.OpenAsync(ct);

        if (await SystemIdentifierAsync(store, ct) is { } storeId && await SystemIdentifierAsync(target, ct) is { } targetId)
            return storeId == targetId;
        await using var seen = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE application_name = @probe)", target);
        seen.Parameters.AddWithValue("probe", probe);
        return await seen.ExecuteScalarAsync(ct) is true;
    }

    /// <summary>Null when this role may not call pg_control_system() (it can be revoked from PUBLIC).</summary>
    private static async Task<long?> SystemIdentifierAsync(NpgsqlConnection connection, CancellationToken ct)
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
}
