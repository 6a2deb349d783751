using Npgsql;

namespace OpsConsole.Domain.Targets;

/// <summary>Runs a change's script on its target: one transaction, so a lock it cannot get within 5 s or a
/// statement over 60 s aborts it whole and leaves nothing half done.</summary>
public sealed class TargetScripts(TargetConnections connections)
{
    public async Task RunInTransactionAsync(Target target, string script, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(target, ct, statementTimeoutSeconds: 90);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var limits = new NpgsqlCommand("SET LOCAL lock_timeout = '5s'; SET LOCAL statement_timeout = '60s'", connection))
            await limits.ExecuteNonQueryAsync(ct);
        await using (var command = new NpgsqlCommand(script, connection))
            await command.ExecuteNonQueryAsync(ct);
        await transaction.CommitAsync(ct);
    }
}
